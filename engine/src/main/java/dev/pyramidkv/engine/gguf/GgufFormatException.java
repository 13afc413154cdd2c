package dev.pyramidkv.engine.gguf;

import java.nio.file.Path;

/**
 * A GGUF file that does not follow the format: names the file (once known), the field, its byte offset and
 * what was expected, on one line. Text that came from the file is escaped, so a fuzzed key cannot put NULs,
 * control bytes or line breaks into the message.
 */
public final class GgufFormatException extends RuntimeException {
    /** Longest piece of file text (a key or tensor name) quoted in a message, in characters. */
    static final int QUOTE_LIMIT = 64;

    private final Path file;
    private final String field;
    private final long offset;
    private final String problem;

    public GgufFormatException(String field, long offset, String problem) {
        this(null, field, offset, problem);
    }

    private GgufFormatException(Path file, String field, long offset, String problem) {
        super((file == null ? "" : printable(file.toString()) + ": ")
                + printable(field) + " at byte " + offset + ": " + printable(problem));
        this.file = file;
        this.field = field;
        this.offset = offset;
        this.problem = problem;
    }

    /** The same error, naming the file it was found in. */
    public GgufFormatException in(Path file) {
        GgufFormatException e = new GgufFormatException(file, field, offset, problem);
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** The file, or null when the image did not come from one. */
    public Path file() { return file; }

    public String field() { return field; }

    public long offset() { return offset; }

    /** {@code text} from the file in single quotes, escaped, cut after {@link #QUOTE_LIMIT} characters. */
    public static String quote(String text) {
        int cut = text.offsetByCodePoints(0, Math.min(QUOTE_LIMIT, text.codePointCount(0, text.length())));
        String rest = cut < text.length() ? "... (" + text.codePointCount(cut, text.length()) + " more)" : "";
        return "'" + printable(text.substring(0, cut)) + "'" + rest;
    }

    /**
     * {@code text} with control, format and unassigned characters (NUL, line breaks, escape sequences,
     * bidi overrides) written as {@code \xNN} or {@code \x{NNNN}}. A backslash stays as it is, so escaping
     * twice changes nothing.
     */
    public static String printable(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int type = Character.getType(cp);
            boolean plain = type != Character.CONTROL && type != Character.FORMAT
                    && type != Character.UNASSIGNED && type != Character.SURROGATE && type != Character.PRIVATE_USE
                    && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR;
            if (!plain && sb == null) {
                sb = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (sb != null) {
                if (plain) {
                    sb.appendCodePoint(cp);
                } else if (cp < 0x100) {
                    sb.append(String.format("\\x%02X", cp));
                } else {
                    sb.append(String.format("\\x{%04X}", cp));
                }
            }
            i += Character.charCount(cp);
        }
        return sb == null ? text : sb.toString();
    }
}
