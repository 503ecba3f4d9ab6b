package io.heapfleet.analysis.histogram;

/**
 * One line of a class histogram: how many instances of a class the heap holds and their shallow
 * size. Immutable.
 *
 * @param className as a Java programmer writes it ({@code java.lang.String}, {@code byte[]}, {@code
 *     com.acme.Cache$Entry}); a same-named class from a second class loader carries a {@code "
 *     (loader #2)"} suffix so the two stay apart
 * @param instances number of objects (arrays count one each)
 * @param shallowBytes sum of the objects' shallow sizes (see {@link SizeModel})
 */
public record ClassStats(String className, long instances, long shallowBytes) {}
