package io.changeviews.connectors.ddb;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** DynamoDB's number limits, at and beyond their edges. */
class DynamoDbLimitsTest {
    private static boolean fits(String n) {
        return DynamoDbLimits.fitsNumber(new BigDecimal(n));
    }

    @Test
    void numbersUpToThirtyEightSignificantDigitsFit() {
        assertThat(fits("0")).isTrue();
        assertThat(fits("0E-500")).as("zero, whatever its scale").isTrue();
        assertThat(fits("9".repeat(38))).isTrue();
        assertThat(fits("-0." + "9".repeat(38))).isTrue();
        assertThat(fits("1" + "0".repeat(60)))
                .as("trailing zeros are no significant digits")
                .isTrue();
        assertThat(fits("1" + "0".repeat(37) + "1")).isFalse();
        assertThat(fits("-1." + "0".repeat(37) + "1")).isFalse();
    }

    @Test
    void magnitudesFromOneE130ToBelowOneE126Fit() {
        assertThat(fits("1E-130")).isTrue();
        assertThat(fits("-1E-130")).isTrue();
        assertThat(fits("9.9E-131")).isFalse();
        assertThat(fits("-1E-131")).isFalse();
        assertThat(fits("9." + "9".repeat(37) + "E125")).isTrue();
        assertThat(fits("-9." + "9".repeat(37) + "E125")).isTrue();
        assertThat(fits("1E126")).isFalse();
        assertThat(fits("-1E126")).isFalse();
        assertThat(fits("1e999999999")).isFalse();
        assertThat(fits("1e-999999999")).isFalse();
        assertThat(fits("12.50" + "0".repeat(40))).as("within 38 digits once stripped").isTrue();
    }
}
