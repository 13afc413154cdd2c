package dev.pyramidkv.dnnl;

import static dev.pyramidkv.dnnl.dnnl_h.*;

/**
 * A oneDNN call returned a status other than {@code dnnl_success}. The message names the C call,
 * the status by its C name, what the status means, and what we were doing.
 */
public final class DnnlException extends RuntimeException {

    private final int status;
    private final String call;

    public DnnlException(int status, String call, String context) {
        super(call + " returned " + statusName(status) + " (" + status + ": " + meaning(status) + ")"
                + (context == null || context.isEmpty() ? "" : " while " + context));
        this.status = status;
        this.call = call;
    }

    /** Throws unless {@code status} is {@code dnnl_success}. Allocates nothing when it succeeds. */
    public static void check(int status, String call, String context) {
        if (status != dnnl_success) throw new DnnlException(status, call, context);
    }

    /** The C status code, a {@code dnnl_status_t} value such as {@link dnnl_h#dnnl_invalid_arguments}. */
    public int status() {
        return status;
    }

    /** The C function that failed, e.g. {@code dnnl_primitive_desc_create}. */
    public String call() {
        return call;
    }

    /** The C name of a status code, e.g. {@code dnnl_invalid_arguments}. */
    public static String statusName(int status) {
        return switch (status) {
            case dnnl_success -> "dnnl_success";
            case dnnl_out_of_memory -> "dnnl_out_of_memory";
            case dnnl_invalid_arguments -> "dnnl_invalid_arguments";
            case dnnl_unimplemented -> "dnnl_unimplemented";
            case dnnl_iterator_ends -> "dnnl_iterator_ends";
            case dnnl_runtime_error -> "dnnl_runtime_error";
            case dnnl_not_required -> "dnnl_not_required";
            default -> "unknown dnnl_status_t";
        };
    }

    private static String meaning(int status) {
        return switch (status) {
            case dnnl_success -> "success";
            case dnnl_out_of_memory -> "out of memory";
            case dnnl_invalid_arguments -> "incorrect function arguments";
            case dnnl_unimplemented -> "no implementation for this combination of shapes, types and layouts";
            case dnnl_iterator_ends -> "primitive iterator passed over the last implementation";
            case dnnl_runtime_error -> "primitive or engine failed on execution";
            case dnnl_not_required -> "queried element is not required for this primitive";
            default -> "not a status of oneDNN 2.x";
        };
    }
}
