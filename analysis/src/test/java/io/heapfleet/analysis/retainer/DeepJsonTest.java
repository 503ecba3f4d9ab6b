package io.heapfleet.analysis.retainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.internal.dominator.ClassRetained;
import io.heapfleet.analysis.internal.dominator.Dominator;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeepJsonTest {

  @Test
  void suspectsCarryOwnerRetainedBytesAndPathAndStringsAreEscaped() throws Exception {
    DeepResult r =
        new DeepResult(
            Instant.parse("2026-11-22T01:00:00Z"),
            "compressed-oops",
            10,
            12,
            9,
            1000,
            250,
            new DeepResult.Timings(1, 2, 3),
            List.of(new ClassRetained("byte[]", 3, 300, 300)),
            List.of(new Dominator(0x1f, "class com.acme.Store", 16, 900)),
            List.of(
                new SuspectReport(
                    "byte[]",
                    3,
                    300,
                    List.of(
                        new OwnerReport(
                            "com.acme.Cart",
                            false,
                            3,
                            3,
                            300,
                            372,
                            List.of(
                                "(thread) java.lang.Thread \"w\\1\".threadLocals", "byte[]"))))));

    String json = DeepJson.toJson(r);

    assertThat(json)
        .contains("\"owner\": \"com.acme.Cart\"")
        .contains("\"retainedBytes\": 372")
        .contains(
            "\"path\": [\"(thread) java.lang.Thread \\\"w\\\\1\\\".threadLocals\", \"byte[]\"]")
        .contains("\"objectId\": \"0x1f\"")
        .contains("\"dumpTimestamp\": \"2026-11-22T01:00:00Z\"");

    // What the collector restores on start: the owners read back from the stored deep.json.
    java.util.Map<String, SuspectOwner> back =
        io.heapfleet.analysis.json.AnalysisJson.readSuspectOwners(json);
    assertThat(back).containsExactlyEntriesOf(java.util.Map.of("byte[]", r.suspectOwners().get(0)));
  }

  @Test
  void readingOwnersOfAMalformedDeepJsonFailsNamingTheProblem() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> io.heapfleet.analysis.json.AnalysisJson.readSuspectOwners("{\"suspects\": 3}"))
        .isInstanceOf(io.heapfleet.analysis.json.AnalysisJsonException.class)
        .hasMessageContaining("\"suspects\" must be a JSON array");
  }
}
