package io.changeviews.job.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class PackedDigitsTest {
    private static byte[] write(String s) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(16);
        PackedDigits.write(s, out);
        return out.getCopyOfBuffer();
    }

    private static String read(byte[] bytes) throws Exception {
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        String s = PackedDigits.read(in);
        assertThat(in.available()).as("everything written is read").isZero();
        return s;
    }

    @Test
    void digitsTravelTwoToAByteAndComeBackAsTheyWere() throws Exception {
        String kinesis = "49590338271490256608559692538361571095921575989136588898";
        assertThat(write(kinesis)).hasSize(1 + 28);
        for (String s : new String[] {kinesis, "0049", "7", "", "10", "999"}) {
            assertThat(read(write(s))).isEqualTo(s);
        }
    }

    @Test
    void anythingElseIsWrittenAsItIs() throws Exception {
        String many = "1".repeat(300);
        for (String s : new String[] {"12a", "-5", "seq 1", many, "٣"}) {
            assertThat(read(write(s))).isEqualTo(s);
        }
    }
}
