package io.heapfleet.analysis.trend;

/**
 * A class whose size grows over a trend. Immutable.
 *
 * @param className Java class name
 * @param bytesPerHour least-squares slope of its shallow bytes
 * @param instancesPerHour least-squares slope of its instance count
 * @param steadiness how steady the growth is, 0..1: share of intervals in which it grew × R² of the
 *     linear fit of its bytes
 * @param growingSteps in how many of the intervals between consecutive dumps it grew
 * @param steps number of intervals (dumps − 1)
 * @param r2 R² of the linear fit of its bytes over time
 * @param bytesPerStep growth per dump: slope of a linear fit of its bytes over the dumps' positions
 *     in the series (0, 1, 2, …), so uneven spacing in time does not distort it
 * @param instancesPerStep instance growth per dump, fitted the same way
 * @param steady whether it meets the leak rule (see {@link TrendAnalysis})
 * @param currentBytes shallow bytes in the latest dump
 * @param currentInstances instances in the latest dump
 */
public record Suspect(
    String className,
    double bytesPerHour,
    double instancesPerHour,
    double steadiness,
    int growingSteps,
    int steps,
    double r2,
    double bytesPerStep,
    double instancesPerStep,
    boolean steady,
    long currentBytes,
    long currentInstances) {}
