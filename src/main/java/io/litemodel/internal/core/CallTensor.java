package io.litemodel.internal.core;

/**
 * One input or output of a model as the call contract sees it: its name and shape for messages, the values in one of
 * its rows, and whether the float API can carry its values. Each runtime's tensor binding implements it.
 *
 * <p>Internal, not API: it may change in any release.
 */
public interface CallTensor {
  /** @return the name callers address the tensor by (a signature name where there is one) */
  String name();

  /**
   * @return the shape the tensor holds now, as message text (e.g. {@code [1, 256], declared [-1, 256]} where the
   *     runtime allocates a shape other than the declared one); built only when a call is refused
   */
  String shapeText();

  /** @return the declared shape as message text, {@code -1} for dynamic dimensions; built only when a call is refused */
  String declaredShapeText();

  /** @return the values in one row (the tensor without its first dimension), or -1 when one of them is not known */
  long elementsPerRow();

  /** @return why the float API cannot feed or read this tensor, or null when it can; cheap (called per call) */
  String floatApiProblem();
}
