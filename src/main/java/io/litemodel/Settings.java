package io.litemodel;

/**
 * What LiteModel's settings types ({@link LiteModel.Options} and every {@link Accelerator} kind) share: they are
 * values that describe a load and never perform one. A with-method takes a {@link #copy()} of the instance and sets
 * one field on it before returning it, so an instance never changes once a caller has it. Equality and the hash code
 * are over the settings {@link OptionsCodec} lists for the type: that list names every setting once, for the text
 * form and for equality alike.
 */
abstract sealed class Settings implements Cloneable permits LiteModel.Options, Accelerator {
  /** Only LiteModel's settings types extend this class. */
  Settings() {}

  /**
   * @param <S> the caller's own type
   * @return a field-for-field copy, for a with-method to set one field on before returning it (the fields hold
   *     immutable values, so a shallow copy shares nothing that changes)
   */
  @SuppressWarnings("unchecked")
  final <S extends Settings> S copy() {
    try {
      return (S) super.clone();
    } catch (CloneNotSupportedException e) {
      throw new AssertionError("Settings implements Cloneable", e);
    }
  }

  /**
   * @param other another object
   * @return true when {@code other} is of the same type and every setting is equal
   */
  @Override
  public final boolean equals(Object other) {
    return other != null && other.getClass() == getClass()
        && OptionsCodec.values(this).equals(OptionsCodec.values((Settings) other));
  }

  /** @return a hash code over the type and every setting, consistent with {@link #equals(Object)} */
  @Override
  public final int hashCode() {
    return 31 * getClass().getName().hashCode() + OptionsCodec.values(this).hashCode();
  }
}
