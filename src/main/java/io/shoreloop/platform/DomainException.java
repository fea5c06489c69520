package io.shoreloop.platform;

/**
 * Base of every domain exception: named as a fact ({@code ManifestNotReceivable}), knowing nothing about HTTP.
 * {@link #kind()} says which family of problem it is; {@link #type()} is the stable machine-readable slug that
 * clients may rely on (it becomes the problem's {@code type} URI).
 */
public abstract class DomainException extends RuntimeException {

    private final ProblemKind kind;
    private final String type;
    private final String field;

    protected DomainException(ProblemKind kind, String type, String message) {
        this(kind, type, message, null);
    }

    protected DomainException(ProblemKind kind, String type, String message, String field) {
        super(message, null, false, false);
        this.kind = kind;
        this.type = type;
        this.field = field;
    }

    public ProblemKind kind() {
        return kind;
    }

    public String type() {
        return type;
    }

    /** The request field the problem is about, when there is one. */
    public String field() {
        return field;
    }
}
