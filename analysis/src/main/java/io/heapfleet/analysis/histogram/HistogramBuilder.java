package io.heapfleet.analysis.histogram;

import io.heapfleet.analysis.hprof.BasicType;
import io.heapfleet.analysis.hprof.ClassDump;
import io.heapfleet.analysis.hprof.HprofHeader;
import io.heapfleet.analysis.hprof.HprofLimits;
import io.heapfleet.analysis.hprof.HprofListener;
import io.heapfleet.analysis.hprof.RecordReader;
import io.heapfleet.analysis.internal.util.LongIntMap;
import io.heapfleet.analysis.internal.util.LongObjectMap;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The streaming listener behind {@link ClassHistograms}: counts objects per class id in flat arrays
 * indexed through a primitive map (no allocation per object), sums array sizes under every
 * candidate {@link SizeModel}, and votes on the model from the distance between consecutive object
 * addresses. About 60 lines of state per class; why it is one class: the hot path must stay in one
 * place for the JIT. Not thread-safe.
 */
final class HistogramBuilder implements HprofListener {
  private static final int MODELS = 3; // COMPRESSED_OOPS, WIDE_OOPS, UNCOMPRESSED (8-byte ids)
  private static final long VOTING_OBJECTS = 50_000;

  /** Direct-mapped cache in front of the class map: consecutive objects reuse few classes. */
  private static final int CACHE_SIZE = 512;

  private final HprofHeader header;
  private final HprofLimits limits;
  private final SizeModel[] candidates;

  private final LongObjectMap<String> strings = new LongObjectMap<>(64 * 1024);
  private final LongIntMap classIndex = new LongIntMap(16 * 1024, -1);
  private int classCount;

  // Per class index.
  private long[] classIds = new long[1024];
  private long[] nameIds = new long[1024];
  private long[] superIds = new long[1024];
  private long[] loaderIds = new long[1024];
  private int[] ownReferences = new int[1024];
  private int[] ownPrimitiveBytes = new int[1024];
  private boolean[] dumped = new boolean[1024];
  private long[] counts = new long[1024];
  private long[][] arrayBytes = new long[MODELS][1024];

  /** Cached instance sizes per model; 0 = not computed yet, -1 = unknown (missing superclass). */
  private long[][] instanceSizes = new long[MODELS][1024];

  private final long[] cacheKeys = new long[CACHE_SIZE];
  private final int[] cacheValues = new int[CACHE_SIZE];

  private final long[] primitiveCounts = new long[12];
  private final long[][] primitiveBytes = new long[MODELS][12];

  private long classDumps;

  // Size model voting.
  private final long[] votes = new long[MODELS];
  private long votedObjects;
  private long previousId;
  private final long[] previousSizes = new long[MODELS];
  private boolean previousKnown;

  HistogramBuilder(HprofHeader header) {
    this(header, HprofLimits.DEFAULT);
  }

  HistogramBuilder(HprofHeader header, HprofLimits limits) {
    this.header = header;
    this.limits = limits;
    this.candidates =
        header.idSize() == 4
            ? new SizeModel[] {SizeModel.BITS_32, SizeModel.BITS_32, SizeModel.BITS_32}
            : new SizeModel[] {
              SizeModel.COMPRESSED_OOPS, SizeModel.WIDE_OOPS, SizeModel.UNCOMPRESSED
            };
  }

  @Override
  public void onString(long id, String text) {
    strings.put(id, text);
  }

  @Override
  public void onLoadClass(int classSerial, long classId, int stackTraceSerial, long nameStringId) {
    int i = indexOf(classId); // first: indexOf may grow the arrays
    nameIds[i] = nameStringId;
  }

  @Override
  public void onClassDump(ClassDump dump) {
    int i = indexOf(dump.classId());
    classDumps++;
    dumped[i] = true;
    superIds[i] = dump.superClassId();
    loaderIds[i] = dump.classLoaderId();
    int refs = 0;
    int prims = 0;
    for (ClassDump.FieldDescriptor f : dump.instanceFields()) {
      if (f.type() == BasicType.OBJECT) {
        refs++;
      } else {
        prims += f.type().size(header.idSize());
      }
    }
    ownReferences[i] = refs;
    ownPrimitiveBytes[i] = prims;
  }

  @Override
  public void onInstanceDump(long objectId, long classId, int fieldsLength, RecordReader body) {
    instance(objectId, classId);
  }

  @Override
  public void onObjectArrayDump(long arrayId, long arrayClassId, int length, RecordReader body) {
    objectArray(arrayId, arrayClassId, length & 0xFFFFFFFFL);
  }

  @Override
  public void onPrimitiveArrayDump(
      long arrayId, BasicType elementType, int length, RecordReader body) {
    primitiveArray(
        arrayId, elementType.code(), length & 0xFFFFFFFFL, elementType.size(header.idSize()));
  }

  /** Counts one instance (and votes on the size model while {@link #voting()}). */
  void instance(long objectId, long classId) {
    int i = countInstance(classId);
    if (votedObjects < VOTING_OBJECTS) {
      voteInstance(objectId, i);
    }
  }

  /** Whether the next objects still vote on the size model (the first 50k of a range). */
  boolean voting() {
    return votedObjects < VOTING_OBJECTS;
  }

  /**
   * Counts one instance without voting (only once {@link #voting()} is over); returns the class
   * index. Small on purpose: the fast scanner's hot loop inlines it.
   */
  int countInstance(long classId) {
    int i = cachedIndexOf(classId);
    counts[i]++;
    return i;
  }

  /** {@link #indexOf} through the direct-mapped cache: consecutive objects reuse few classes. */
  private int cachedIndexOf(long classId) {
    // Class ids are 8-aligned addresses: the bits above the alignment spread well.
    int slot = (int) (classId >>> 3) & (CACHE_SIZE - 1);
    if (cacheKeys[slot] == classId && classId != 0) {
      return cacheValues[slot];
    }
    int i = indexOf(classId);
    cacheKeys[slot] = classId;
    cacheValues[slot] = i;
    return i;
  }

  /** Counts one object array without voting (see {@link #countInstance}). */
  void countObjectArray(long arrayClassId, long n) {
    int i = cachedIndexOf(arrayClassId);
    counts[i]++;
    for (int m = 0; m < MODELS; m++) {
      arrayBytes[m][i] += candidates[m].objectArraySize(n);
    }
  }

  /** Counts one primitive array without voting (see {@link #countInstance}). */
  void countPrimitiveArray(int typeCode, long n, int elementSize) {
    primitiveCounts[typeCode]++;
    for (int m = 0; m < MODELS; m++) {
      primitiveBytes[m][typeCode] += candidates[m].arraySize(n, elementSize);
    }
  }

  private void voteInstance(long objectId, int i) {
    vote(objectId);
    for (int m = 0; m < MODELS; m++) {
      previousSizes[m] = instanceSize(i, m);
    }
  }

  /** Counts one object array of {@code n} elements (and votes while {@link #voting()}). */
  void objectArray(long arrayId, long arrayClassId, long n) {
    countObjectArray(arrayClassId, n);
    if (votedObjects < VOTING_OBJECTS) {
      vote(arrayId);
      for (int m = 0; m < MODELS; m++) {
        previousSizes[m] = candidates[m].objectArraySize(n);
      }
    }
  }

  /** Counts one primitive array of {@code n} elements (and votes while {@link #voting()}). */
  void primitiveArray(long arrayId, int typeCode, long n, int elementSize) {
    countPrimitiveArray(typeCode, n, elementSize);
    if (votedObjects < VOTING_OBJECTS) {
      vote(arrayId);
      for (int m = 0; m < MODELS; m++) {
        previousSizes[m] = candidates[m].arraySize(n, elementSize);
      }
    }
  }

  /** Counts which model predicted the distance from the previous object to this one. */
  private void vote(long objectId) {
    votedObjects++;
    if (previousKnown) {
      long delta = objectId - previousId;
      for (int m = 0; m < MODELS; m++) {
        if (previousSizes[m] == delta) {
          votes[m]++;
        }
      }
    }
    previousId = objectId;
    previousKnown = true;
  }

  private int indexOf(long classId) {
    int i = classIndex.get(classId);
    if (i >= 0) {
      return i;
    }
    if (classCount == limits.maxClasses()) {
      throw classLimit();
    }
    i = classCount++;
    if (i == classIds.length) {
      growClasses();
    }
    classIds[i] = classId;
    classIndex.put(classId, i);
    return i;
  }

  /**
   * The class cap, hit when one more class would be tracked. Unchecked because the fast scanner's
   * hot loop cannot throw checked exceptions; both readers unwrap it.
   */
  private UncheckedIOException classLimit() {
    return new UncheckedIOException(limits.tooManyClasses());
  }

  private void growClasses() {
    int n = classIds.length * 2;
    classIds = Arrays.copyOf(classIds, n);
    nameIds = Arrays.copyOf(nameIds, n);
    superIds = Arrays.copyOf(superIds, n);
    loaderIds = Arrays.copyOf(loaderIds, n);
    ownReferences = Arrays.copyOf(ownReferences, n);
    ownPrimitiveBytes = Arrays.copyOf(ownPrimitiveBytes, n);
    dumped = Arrays.copyOf(dumped, n);
    counts = Arrays.copyOf(counts, n);
    for (int m = 0; m < MODELS; m++) {
      arrayBytes[m] = Arrays.copyOf(arrayBytes[m], n);
      instanceSizes[m] = Arrays.copyOf(instanceSizes[m], n);
    }
  }

  /** Instance size of class {@code i} under model {@code m}; -1 while the layout is unknown. */
  private long instanceSize(int i, int m) {
    long cached = instanceSizes[m][i];
    if (cached != 0) {
      return cached;
    }
    long refs = 0;
    long prims = 0;
    int c = i;
    for (int depth = 0; depth < 1000; depth++) {
      if (!dumped[c]) {
        return -1; // not cached: the class dump may still come
      }
      refs += ownReferences[c];
      prims += ownPrimitiveBytes[c];
      long superId = superIds[c];
      if (superId == 0) {
        long size = candidates[m].instanceSize(prims, refs);
        instanceSizes[m][i] = size;
        return size;
      }
      c = classIndex.get(superId);
      if (c < 0) {
        return -1;
      }
    }
    return -1; // a superclass cycle: corrupt input; size unknown
  }

  /**
   * Adds what another builder saw (another range of the same dump, read in parallel): names, class
   * layouts, counts, array bytes and size-model votes.
   */
  void mergeFrom(HistogramBuilder other) {
    other.strings.forEach(strings::put);
    for (int j = 0; j < other.classCount; j++) {
      int i = indexOf(other.classIds[j]);
      if (other.nameIds[j] != 0) {
        nameIds[i] = other.nameIds[j];
      }
      if (other.dumped[j]) {
        dumped[i] = true;
        superIds[i] = other.superIds[j];
        loaderIds[i] = other.loaderIds[j];
        ownReferences[i] = other.ownReferences[j];
        ownPrimitiveBytes[i] = other.ownPrimitiveBytes[j];
      }
      counts[i] += other.counts[j];
      for (int m = 0; m < MODELS; m++) {
        arrayBytes[m][i] += other.arrayBytes[m][j];
      }
    }
    for (int t = 0; t < primitiveCounts.length; t++) {
      primitiveCounts[t] += other.primitiveCounts[t];
      for (int m = 0; m < MODELS; m++) {
        primitiveBytes[m][t] += other.primitiveBytes[m][t];
      }
    }
    classDumps += other.classDumps;
    for (int m = 0; m < MODELS; m++) {
      votes[m] += other.votes[m];
      // Layouts may have arrived from the other range: recompute sizes.
      Arrays.fill(instanceSizes[m], 0);
    }
  }

  /** The detected size model: the candidate whose predictions matched most address distances. */
  SizeModel sizeModel() {
    int best = 0;
    for (int m = 1; m < MODELS; m++) {
      if (votes[m] > votes[best]) {
        best = m;
      }
    }
    return candidates[best];
  }

  ClassHistogram build() {
    SizeModel model = sizeModel();
    int m = Arrays.asList(candidates).indexOf(model);
    String[] names = new String[classCount];
    Map<String, List<Integer>> byName = new HashMap<>();
    for (int i = 0; i < classCount; i++) {
      String raw = strings.get(nameIds[i]);
      names[i] =
          raw == null ? String.format("unknown class 0x%x", classIds[i]) : ClassNames.toJava(raw);
      if (dumped[i]) {
        byName.computeIfAbsent(names[i], k -> new ArrayList<>()).add(i);
      }
    }
    // Same-named classes from different loaders stay apart: the first loader (lowest loader id)
    // keeps the plain name, the others get "(loader #k)".
    TreeSet<String> duplicates = new TreeSet<>();
    for (Map.Entry<String, List<Integer>> e : byName.entrySet()) {
      List<Integer> same = e.getValue();
      if (same.size() > 1) {
        duplicates.add(e.getKey());
        same.sort((a, b) -> Long.compareUnsigned(loaderIds[a], loaderIds[b]));
        for (int k = 1; k < same.size(); k++) {
          names[same.get(k)] = e.getKey() + " (loader #" + (k + 1) + ")";
        }
      }
    }
    Map<String, long[]> lines = new HashMap<>();
    for (int i = 0; i < classCount; i++) {
      long count = counts[i];
      if (count == 0) {
        continue;
      }
      long bytes;
      if (names[i].endsWith("[]")) {
        bytes = arrayBytes[m][i];
      } else {
        long size = instanceSize(i, m);
        bytes = size < 0 ? 0 : size * count;
      }
      add(lines, names[i], count, bytes);
    }
    for (BasicType t : BasicType.values()) {
      if (t != BasicType.OBJECT && primitiveCounts[t.code()] > 0) {
        add(lines, t.javaName() + "[]", primitiveCounts[t.code()], primitiveBytes[m][t.code()]);
      }
    }
    // Class objects are CLASS_DUMP records, not instances; count them as java.lang.Class.
    if (classDumps > 0) {
      int classClass = -1;
      for (int i = 0; i < classCount; i++) {
        if (dumped[i] && "java.lang.Class".equals(names[i])) {
          classClass = i;
        }
      }
      long size = classClass < 0 ? 0 : Math.max(0, instanceSize(classClass, m));
      add(lines, "java.lang.Class", classDumps, size * classDumps);
    }
    List<ClassStats> entries = new ArrayList<>(lines.size());
    long instances = 0;
    long bytes = 0;
    for (Map.Entry<String, long[]> e : lines.entrySet()) {
      entries.add(new ClassStats(e.getKey(), e.getValue()[0], e.getValue()[1]));
      instances += e.getValue()[0];
      bytes += e.getValue()[1];
    }
    return new ClassHistogram(
        header.timestamp(),
        header.idSize(),
        instances,
        bytes,
        entries.size(),
        entries,
        List.copyOf(duplicates),
        model);
  }

  private static void add(Map<String, long[]> lines, String name, long count, long bytes) {
    long[] line = lines.computeIfAbsent(name, k -> new long[2]);
    line[0] += count;
    line[1] += bytes;
  }
}
