package io.heapfleet.analysis.histogram;

/**
 * Whether a class is the application's own or the platform's (JDK, Kotlin, Scala runtime, arrays):
 * what grows is often a platform class, what to fix an application class. Stateless.
 */
public final class ClassKind {
  private static final String[] PLATFORM_PREFIXES = {
    "java.", "javax.", "jdk.", "sun.", "com.sun.", "kotlin.", "scala."
  };

  private ClassKind() {}

  /**
   * Not an array, not hidden ({@link #isHidden}) and not in a platform package: {@code
   * com.acme.cart.Cart}. A lambda's class is not one: the class to fix is the one that made it.
   */
  public static boolean isApplicationClass(String name) {
    for (String p : PLATFORM_PREFIXES) {
      if (name.startsWith(p)) {
        return false;
      }
    }
    return !name.endsWith("[]") && !isHidden(name);
  }

  /**
   * A lambda's or another hidden class, named by the JVM at run time: {@code
   * com.acme.Flow$$Lambda$70/0x0000000800c0b230} (JDK 17), {@code com.acme.Flow$$Lambda/0x…} (JDK
   * 21), {@code …+0x…} in some dumps.
   */
  public static boolean isHidden(String name) {
    return name.contains("$$Lambda") || hiddenSuffix(name) >= 0;
  }

  /**
   * The class name as a person reads it: {@code lambda in com.acme.orders.CheckoutFlow} for a
   * lambda, the name without its run-time address for another hidden class, else unchanged.
   */
  public static String readable(String name) {
    int lambda = name.indexOf("$$Lambda");
    if (lambda > 0) {
      return "lambda in " + name.substring(0, lambda);
    }
    int hidden = hiddenSuffix(name);
    return hidden > 0 ? name.substring(0, hidden) + " (hidden class)" : name;
  }

  /**
   * {@link #readable} applied to every class name in a rendered retainer-path step or holder: a
   * lambda's {@code com.acme.Flow$$Lambda$70/0x….arg$1} reads {@code (lambda in
   * com.acme.Flow).arg$1}.
   */
  public static String readableStep(String step) {
    int lambda = step.indexOf("$$Lambda");
    if (lambda < 0) {
      return step;
    }
    int start = step.lastIndexOf(' ', lambda) + 1;
    int end = lambda + "$$Lambda".length();
    // the rest of the hidden name: "$70", "/0x…", "+0x…"
    while (end < step.length()
        && (Character.isLetterOrDigit(step.charAt(end)) || "$/+".indexOf(step.charAt(end)) >= 0)) {
      end++;
    }
    return step.substring(0, start)
        + "("
        + readable(step.substring(start, end))
        + ")"
        + readableStep(step.substring(end));
  }

  private static int hiddenSuffix(String name) {
    int at = name.indexOf("/0x");
    return at >= 0 ? at : name.indexOf("+0x");
  }
}
