package io.jbuild.dockerfile;

import java.util.List;
import java.util.Objects;

/**
 * A stage the build needs, with its FROM resolved against the global ARGs.
 *
 * @param stage the stage
 * @param baseImage the expanded image reference to pull ({@code scratch} included), null when the base is another stage
 * @param baseStage the index of the stage this one builds on, -1 when it starts from an image
 * @param platform the expanded {@code --platform}, null when not given
 * @param dependencies indices of the stages that must be built first (base, {@code COPY --from}, {@code RUN
 *        --mount from=}), ascending
 * @param imageReferences images named by {@code COPY --from} or {@code RUN --mount from=} that are not stages
 *        ({@code context}, the build context, is left out)
 */
public record PlannedStage(Stage stage, String baseImage, int baseStage, PlatformSpec platform,
                           List<Integer> dependencies, List<String> imageReferences) {
    public PlannedStage {
        Objects.requireNonNull(stage, "stage");
        dependencies = List.copyOf(dependencies);
        imageReferences = List.copyOf(imageReferences);
        if ((baseImage == null) == (baseStage < 0)) {
            throw new IllegalArgumentException("a stage has either a base image or a base stage");
        }
    }

    public int index() {
        return stage.index();
    }
}
