package io.heapfleet.analysis.internal.dominator;

/**
 * One class's totals in a dominator analysis.
 *
 * @param className Java name, e.g. {@code com.acme.cart.Cart}
 * @param instances reachable instances (arrays: reachable arrays of this type)
 * @param shallowBytes their shallow sizes
 * @param retainedBytes bytes retained by the set of all its instances, each object counted once (an
 *     instance dominated by another instance of the same class is not counted again)
 */
public record ClassRetained(
    String className, long instances, long shallowBytes, long retainedBytes) {}
