package dev.pyramidkv.dnnl;

import dev.pyramidkv.dnnl.c.dnnl_h;

import static dev.pyramidkv.dnnl.c.dnnl_h.*;

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
        if (status != dnnl_success()) throw new DnnlException(status, call, context);
    }

    /** The C status code, a {@code dnnl_status_t} value such as {@link dnnl_h#dnnl_invalid_arguments()}. */
    public int status() {
        return status;
    }

    /** The C function that failed, e.g. {@code dnnl_primitive_desc_create}. */
    public String call() {
        return call;
    }

    /** The C name of a status code, e.g. {@code dnnl_invalid_arguments}. */
    public static String statusName(int status) {
        if (status == dnnl_success()) return "dnnl_success";
        if (status == dnnl_out_of_memory()) return "dnnl_out_of_memory";
        if (status == dnnl_invalid_arguments()) return "dnnl_invalid_arguments";
        if (status == dnnl_unimplemented()) return "dnnl_unimplemented";
        if (status == dnnl_iterator_ends()) return "dnnl_iterator_ends";
        if (status == dnnl_runtime_error()) return "dnnl_runtime_error";
        if (status == dnnl_not_required()) return "dnnl_not_required";
        return "unknown dnnl_status_t";
    }

    private static String meaning(int status) {
        if (status == dnnl_success()) return "success";
        if (status == dnnl_out_of_memory()) return "out of memory";
        if (status == dnnl_invalid_arguments()) return "incorrect function arguments";
        if (status == dnnl_unimplemented()) return "no implementation for this combination of shapes, types and layouts";
        if (status == dnnl_iterator_ends()) return "primitive iterator passed over the last implementation";
        if (status == dnnl_runtime_error()) return "primitive or engine failed on execution";
        if (status == dnnl_not_required()) return "queried element is not required for this primitive";
        return "not a status of oneDNN 2.x";
    }
}
