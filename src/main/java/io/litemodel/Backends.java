package io.litemodel;

import java.util.ServiceLoader;

/**
 * Finds the {@link LiteModelBackend}: the one this library's jar registers, looked up once, in the class loader that
 * loaded the API (not the thread's context loader, which a container or a Spark executor may point elsewhere). The
 * public types reach their runtime only through here, so this package names no runtime class.
 */
final class Backends {
  private Backends() {}

  /** Looked up on first use, so a class that only describes settings never triggers the lookup. */
  private static final class Found {
    static final LiteModelBackend BACKEND =
        ServiceLoader.load(LiteModelBackend.class, Backends.class.getClassLoader()).findFirst().orElse(null);

    private Found() {}
  }

  /**
   * @return the backend that loads and runs models
   * @throws IllegalStateException when none is registered (a repackaged jar that dropped its service files)
   */
  static LiteModelBackend backend() {
    LiteModelBackend found = Found.BACKEND;
    if (found == null) {
      throw new IllegalStateException("no " + LiteModelBackend.class.getName() + " service found: the jar that "
          + "holds LiteModel lost META-INF/services/" + LiteModelBackend.class.getName() + " when it was repackaged");
    }
    return found;
  }
}
