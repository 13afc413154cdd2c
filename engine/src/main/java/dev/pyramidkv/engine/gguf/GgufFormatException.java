package dev.pyramidkv.engine.gguf;

/** A GGUF file that does not follow the format: names the field, its byte offset and what was expected. */
public final class GgufFormatException extends RuntimeException {
    private final String field;
    private final long offset;

    public GgufFormatException(String field, long offset, String problem) {
        super(field + " at byte " + offset + ": " + problem);
        this.field = field;
        this.offset = offset;
    }

    public String field() { return field; }

    public long offset() { return offset; }
}
