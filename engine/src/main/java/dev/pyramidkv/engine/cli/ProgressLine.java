package dev.pyramidkv.engine.cli;

import dev.pyramidkv.engine.registry.FetchProgress;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows fetch progress on stderr, one line per step ("pyramidkv: downloading ..."). A step with a known
 * size shows its percentage: on a terminal the line is redrawn in place; elsewhere (CI logs) it gets
 * one line when it starts and one when it is done.
 */
final class ProgressLine implements FetchProgress {
    private final PrintStream err;
    private final boolean redraw;
    private String currentStep;
    private boolean lineOpen;

    ProgressLine(PrintStream err, boolean redraw) {
        this.err = err;
        this.redraw = redraw;
    }

    @Override
    public void report(String step, long done, long total) {
        boolean newStep = !step.equals(currentStep);
        currentStep = step;
        if (total <= 0) {
            closeLine();
            err.println("pyramidkv: " + step);
        } else if (redraw) {
            if (newStep) {
                closeLine();
            }
            err.printf(Locale.ROOT, "\rpyramidkv: %s %3d%% (%s / %s)\u001b[K", step, 100 * done / total, mb(done), mb(total));
            lineOpen = true;
            if (done >= total) {
                closeLine();
            }
        } else {
            if (newStep) {
                err.println("pyramidkv: " + step + " (" + mb(total) + ")");
            }
            if (done >= total) {
                err.println("pyramidkv: " + step + ": done");
            }
        }
        err.flush();
    }

    /**
     * A free-form status (e.g. an evaluation's progress bar): on a terminal it replaces the current line,
     * elsewhere it is printed as a line of its own.
     */
    void status(String text) {
        currentStep = null;
        if (redraw) {
            err.print("\r" + text + "\u001b[K");
            lineOpen = true;
        } else {
            err.println(text);
        }
        err.flush();
    }

    void closeLine() {
        if (lineOpen) {
            err.println();
            err.flush();
            lineOpen = false;
        }
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
