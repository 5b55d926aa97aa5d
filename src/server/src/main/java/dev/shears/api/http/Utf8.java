package dev.shears.api.http;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 checking with the JDK's decoder, which refuses overlong forms ({@code C0 AF} for "/"), encoded
 * surrogates and truncated sequences that a lenient JSON parser would let through. Decodes through a small
 * reused window, so an 8 MB body costs no 16 MB of chars.
 */
final class Utf8 {

    private Utf8() {}

    /** The offset of the first byte that is not well-formed UTF-8, or -1 when all are. */
    static long firstMalformedByte(ByteBuffer bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = bytes.slice();
        CharBuffer window = CharBuffer.allocate(8192);
        while (true) {
            CoderResult result = decoder.decode(in, window, true);
            if (result.isError()) {
                return in.position();
            }
            if (result.isUnderflow()) {
                result = decoder.flush(window);
                return result.isError() ? in.position() : -1;
            }
            window.clear();
        }
    }
}
