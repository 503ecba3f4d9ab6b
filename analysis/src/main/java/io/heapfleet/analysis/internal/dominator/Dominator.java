package io.heapfleet.analysis.internal.dominator;

/**
 * One object of the first level of the dominator tree (dominated only by the super-root).
 *
 * @param objectId the object's id in the dump
 * @param className its class; for a {@code Class} object, {@code "class " + name}
 * @param shallowBytes its own size
 * @param retainedBytes what it keeps alive
 */
public record Dominator(long objectId, String className, long shallowBytes, long retainedBytes) {}
