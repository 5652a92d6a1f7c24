package io.nohop.keys.cli;

import io.nohop.core.TokenRejectedException;
import io.nohop.core.TokenVerifier;
import io.nohop.core.VerifiedToken;
import io.nohop.keys.internal.JsonText;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The {@code nohop verify} protocol: one token per input line, one JSON object per output line,
 * flushed, until the input ends.
 *
 * <p>A line ends at {@code \n}, or {@code \r\n}; nothing else is trimmed, so a line with spaces is
 * malformed and a blank line is answered as malformed. A line longer than the verifier's size cap is
 * not buffered whole: it is read to its end and answered {@code too_large}. Output:
 * {@code {"valid":true,"kid":"…","claims":{…}}} (the kid of the key that verified the token, null when
 * that key has none) or {@code {"valid":false,"error":"CODE","detail":"…"}}.
 */
final class TokenLineProtocol {
    private final TokenVerifier verifier;
    private final int maxLineBytes;

    /**
     * @param verifier the verifier
     * @param maxTokenBytes the verifier's size cap: longer lines are answered too_large without being kept
     */
    TokenLineProtocol(TokenVerifier verifier, int maxTokenBytes) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.maxLineBytes = maxTokenBytes;
    }

    /**
     * Answers every line of {@code in} on {@code out} until {@code in} ends.
     *
     * @param in token lines
     * @param out answers, flushed after each line
     * @return how many lines were answered
     * @throws IOException if reading or writing fails
     */
    long run(InputStream in, OutputStream out) throws IOException {
        // One spare byte beyond the cap so that "over the cap" is still seen as over the cap.
        byte[] line = new byte[maxLineBytes + 2];
        byte[] buffer = new byte[8192];
        int length = 0;
        boolean overflow = false;
        boolean pending = false;
        long answered = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (b == '\n') {
                    answer(line, length, overflow, out);
                    answered++;
                    length = 0;
                    overflow = false;
                    pending = false;
                    continue;
                }
                pending = true;
                if (length < line.length) {
                    line[length++] = b;
                } else {
                    overflow = true;
                }
            }
        }
        if (pending) {
            // The last line had no newline: still a line.
            answer(line, length, overflow, out);
            answered++;
        }
        return answered;
    }

    private void answer(byte[] line, int length, boolean overflow, OutputStream out) throws IOException {
        int end = length;
        if (!overflow && end > 0 && line[end - 1] == '\r') {
            end--;
        }
        String json;
        if (overflow || end > maxLineBytes) {
            json = rejected("too_large", "the token is larger than the size cap");
        } else {
            // ISO-8859-1 maps each byte to one char: the size cap counts bytes, and any byte outside
            // base64url (including every non-ASCII byte) is then answered as malformed.
            String token = new String(line, 0, end, StandardCharsets.ISO_8859_1);
            json = verifyLine(token);
        }
        out.write(json.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        out.flush();
    }

    private String verifyLine(String token) {
        try {
            VerifiedToken verified = verifier.verify(token);
            return "{\"valid\":true,\"kid\":" + verified.keyId().map(JsonText::write).orElse("null")
                    + ",\"claims\":" + verified.claimsJson() + "}";
        } catch (TokenRejectedException e) {
            return rejected(e.reason().code(), e.detail());
        }
    }

    private static String rejected(String code, String detail) {
        return "{\"valid\":false,\"error\":" + JsonText.write(code) + ",\"detail\":" + JsonText.write(detail) + "}";
    }
}
