package io.litemodel.cli;

import io.litemodel.image.Normalization;
import io.litemodel.io.ModelSidecar;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which image normalization {@code predict} applies, and why: {@code --normalize} when given; else what the model's
 * sidecar ({@code MODEL.json}) records; else {@value #DEFAULT}.
 *
 * @param normalization the normalization to apply
 * @param reason where it came from, for the output
 */
record PreprocessingChoice(Normalization normalization, String reason) {
  /** What a model without a recorded preprocessing gets. */
  static final String DEFAULT = "unit";

  /**
   * @param flag the {@code --normalize} value, or null when not given
   * @param model the model file
   * @return the choice
   * @throws IOException if the sidecar exists but cannot be read
   * @throws IllegalArgumentException if the flag is not a normalization, or the sidecar is malformed (the message
   *     says to pass {@code --normalize} instead)
   */
  static PreprocessingChoice resolve(String flag, Path model) throws IOException {
    if (flag != null) {
      return new PreprocessingChoice(Normalization.parse(flag), "--normalize " + flag);
    }
    Path json = ModelSidecar.pathFor(model);
    Optional<ModelSidecar> sidecar;
    try {
      sidecar = ModelSidecar.besideModel(model);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " (pass --normalize to choose the preprocessing yourself)",
          e);
    }
    if (sidecar.isEmpty()) {
      return fallback("no sidecar " + json);
    }
    if (!sidecar.get().describes(model)) {
      return fallback(json + " describes another model file (size or SHA-256 differ)");
    }
    Optional<ModelSidecar.Preprocessing> recorded = sidecar.get().preprocessing();
    if (recorded.isEmpty()) {
      return fallback(json + " records no preprocessing");
    }
    if (!recorded.get().scalesPixels()) {
      return fallback(json + " says the model's inputs are not images");
    }
    String spelling = recorded.get().normalization();
    try {
      return new PreprocessingChoice(Normalization.parse(spelling), spelling + ", recorded in " + json);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(json + ": preprocessing: " + e.getMessage()
          + " (pass --normalize to choose the preprocessing yourself)", e);
    }
  }

  private static PreprocessingChoice fallback(String why) {
    return new PreprocessingChoice(Normalization.parse(DEFAULT), "default " + DEFAULT + ": " + why);
  }

  /** @return the line {@code predict} prints, e.g. {@code preprocessing: [-1,1] (symmetric, recorded in m.json)} */
  String describe() {
    return "preprocessing: " + normalization + " (" + reason + ")";
  }
}
