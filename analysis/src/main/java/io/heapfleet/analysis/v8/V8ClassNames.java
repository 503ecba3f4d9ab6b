package io.heapfleet.analysis.v8;

/**
 * The "class" of a V8 heap node as Chrome DevTools' Summary view groups it: objects (and native
 * objects) by their constructor name, which V8 writes as the node's name ({@code Foo}, {@code Map},
 * {@code Object}, {@code system / Context}); every other type as one group named after the type in
 * parentheses ({@code (string)}, {@code (closure)}, {@code (array)}, {@code (concatenated string)},
 * ...), with V8's {@code hidden} nodes shown as {@code (system)} and {@code code} as {@code
 * (compiled code)}. Stateless.
 */
final class V8ClassNames {
  private V8ClassNames() {}

  /** True if nodes of this type are grouped by their name (the constructor). */
  public static boolean namedByConstructor(String type) {
    return type.equals("object") || type.equals("native");
  }

  /** The Summary group of a node of {@code type} named {@code name}. */
  public static String of(String type, String name) {
    if (namedByConstructor(type)) {
      return name.isEmpty() ? "(anonymous " + type + ")" : name;
    }
    return typeGroup(type);
  }

  /** The group of a type whose nodes are not grouped by name. */
  public static String typeGroup(String type) {
    return switch (type) {
      case "hidden" -> "(system)";
      case "code" -> "(compiled code)";
      default -> "(" + type + ")";
    };
  }
}
