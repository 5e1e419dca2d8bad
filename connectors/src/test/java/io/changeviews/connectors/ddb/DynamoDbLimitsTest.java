package io.changeviews.connectors.ddb;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @Test
    void itemSizeCountsNamesValuesAndNestingAsDynamoDbDoes() {
        Map<String, DdbValue> item = new LinkedHashMap<>();
        item.put("id", DdbValue.s("é1"));
        item.put("n", DdbValue.n(new BigDecimal("123.4500")));
        item.put("z", DdbValue.n(BigDecimal.ZERO));
        item.put("b", DdbValue.b(new byte[10]));
        item.put("ok", DdbValue.bool(true));
        item.put("l", DdbValue.l(List.of(DdbValue.s("ab"), DdbValue.nul())));
        item.put("m", DdbValue.m(Map.of("k", DdbValue.s("v"))));
        item.put("ss", DdbValue.ss(List.of("a", "bc")));
        // id 2+3, n 1+(5+1)/2+1, z 1+1, b 1+10, ok 2+1, l 1+3+(1+2)+(1+1), m 1+3+1+(1+1),
        // ss 2+3
        assertThat(DynamoDbLimits.itemBytes(item)).isEqualTo(5 + 5 + 2 + 11 + 3 + 9 + 7 + 5);
    }
}
