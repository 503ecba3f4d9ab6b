package io.heapfleet.analysis.histogram;

/**
 * Turns the JVM's internal class names found in HPROF ({@code java/lang/String}, {@code [B}, {@code
 * [Ljava/lang/Object;}) into the names Java programmers write ({@code java.lang.String}, {@code
 * byte[]}, {@code java.lang.Object[]}). Stateless.
 */
public final class ClassNames {
  private ClassNames() {}

  /** The Java name for an internal or binary class name. */
  public static String toJava(String internal) {
    if (internal.isEmpty() || internal.charAt(0) != '[') {
      return internal.replace('/', '.');
    }
    int dims = 0;
    while (dims < internal.length() && internal.charAt(dims) == '[') {
      dims++;
    }
    String element;
    String rest = internal.substring(dims);
    if (rest.startsWith("L") && rest.endsWith(";")) {
      element = rest.substring(1, rest.length() - 1).replace('/', '.');
    } else if (rest.length() == 1) {
      element = primitive(rest.charAt(0));
    } else {
      element = rest.replace('/', '.');
    }
    return element + "[]".repeat(dims);
  }

  private static String primitive(char c) {
    return switch (c) {
      case 'Z' -> "boolean";
      case 'B' -> "byte";
      case 'C' -> "char";
      case 'S' -> "short";
      case 'I' -> "int";
      case 'J' -> "long";
      case 'F' -> "float";
      case 'D' -> "double";
      default -> String.valueOf(c);
    };
  }
}
