package io.changeviews.job.normalize;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes a string of decimal digits two to a byte (a Kinesis sequence number's 56 digits in 29
 * bytes instead of 58), and any other string as modified UTF-8 behind a marker: sequence numbers
 * travel with every change and sit in every item's state.
 */
final class PackedDigits {
    /** The length byte that announces a string that is not all digits. */
    private static final int NOT_DIGITS = 255;

    private PackedDigits() {}

    static void write(String s, DataOutputView out) throws IOException {
        int n = s.length();
        if (n >= NOT_DIGITS || !allDigits(s)) {
            out.writeByte(NOT_DIGITS);
            out.writeUTF(s);
            return;
        }
        out.writeByte(n);
        for (int i = 0; i < n; i += 2) {
            int high = s.charAt(i) - '0';
            int low = i + 1 < n ? s.charAt(i + 1) - '0' : 0;
            out.writeByte(high << 4 | low);
        }
    }

    static String read(DataInputView in) throws IOException {
        int n = in.readUnsignedByte();
        if (n == NOT_DIGITS) {
            return in.readUTF();
        }
        char[] digits = new char[n];
        for (int i = 0; i < n; i += 2) {
            int b = in.readUnsignedByte();
            digits[i] = (char) ('0' + (b >>> 4));
            if (i + 1 < n) {
                digits[i + 1] = (char) ('0' + (b & 0x0F));
            }
        }
        return new String(digits);
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
