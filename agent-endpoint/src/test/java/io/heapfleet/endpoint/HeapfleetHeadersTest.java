package io.heapfleet.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * The wire names are a contract with deployed agents (Java and Node.js), clients and scripts: every
 * other test uses the constants, so this one spells each value out.
 */
class HeapfleetHeadersTest {

  @Test
  void requestNamesAndSchemesAreTheDocumentedOnes() {
    assertThat(HeapfleetHeaders.AUTHORIZATION).isEqualTo("Authorization");
    assertThat(HeapfleetHeaders.SCHEME_HOURLY).isEqualTo("HeapDump");
    assertThat(HeapfleetHeaders.SCHEME_CAPTURE).isEqualTo("HeapFleet-Capture");
    assertThat(HeapfleetHeaders.SCHEME_TASK).isEqualTo("HeapFleet-Task");
    assertThat(HeapfleetHeaders.HASH_PARAMETER).isEqualTo("hash");
    assertThat(HeapfleetHeaders.TARGET_TASK).isEqualTo("X-Heapdump-Target-Task");
    assertThat(HeapfleetHeaders.CHALLENGE).isEqualTo("X-Heapdump-Challenge");
    assertThat(HeapfleetHeaders.PATH_DUMP).isEqualTo("/heapdump");
    assertThat(HeapfleetHeaders.PATH_IDENTITY).isEqualTo("/heapdump/identity");
    assertThat(HeapfleetHeaders.PATH_STATS).isEqualTo("/heapdump/stats");
    assertThat(HeapfleetHeaders.PATH_PROOF).isEqualTo("/heapdump/proof");
  }

  @Test
  void responseNamesAreTheDocumentedOnes() {
    assertThat(HeapfleetHeaders.TASK).isEqualTo("X-Heapdump-Task");
    assertThat(HeapfleetHeaders.CLUSTER).isEqualTo("X-Heapdump-Cluster");
    assertThat(HeapfleetHeaders.SERVICE).isEqualTo("X-Heapdump-Service");
    assertThat(HeapfleetHeaders.FAMILY).isEqualTo("X-Heapdump-Family");
    assertThat(HeapfleetHeaders.REVISION).isEqualTo("X-Heapdump-Revision");
    assertThat(HeapfleetHeaders.JVM).isEqualTo("X-Heapdump-Jvm");
    assertThat(HeapfleetHeaders.FORMAT).isEqualTo("X-Heapdump-Format");
    assertThat(HeapfleetHeaders.LIVE).isEqualTo("X-Heapdump-Live");
    assertThat(HeapfleetHeaders.TIME).isEqualTo("X-Heapdump-Time");
    assertThat(HeapfleetHeaders.HEAP_USED).isEqualTo("X-Heapdump-Heap-Used");
    assertThat(HeapfleetHeaders.HPROF_BYTES).isEqualTo("X-Heapdump-Hprof-Bytes");
    assertThat(HeapfleetHeaders.DURATION_MS).isEqualTo("X-Heapdump-Duration-Ms");
    assertThat(HeapfleetHeaders.PAUSE_MS).isEqualTo("X-Heapdump-Pause-Ms");
    assertThat(HeapfleetHeaders.DUMP_CPU_MS).isEqualTo("X-Heapdump-Dump-Cpu-Ms");
    assertThat(HeapfleetHeaders.DISK_BYTES).isEqualTo("X-Heapdump-Disk-Bytes");
    assertThat(HeapfleetHeaders.RUNTIME).isEqualTo("X-Heapdump-Runtime");
    assertThat(HeapfleetHeaders.NODE).isEqualTo("X-Heapdump-Node");
    assertThat(HeapfleetHeaders.SNAPSHOT_BYTES).isEqualTo("X-Heapdump-Snapshot-Bytes");
    assertThat(HeapfleetHeaders.STREAM).isEqualTo("X-Heapdump-Stream");
    assertThat(HeapfleetHeaders.STREAM_KEEPALIVE).isEqualTo("keepalive-trailer");
    assertThat(HeapfleetHeaders.RETRY_AFTER).isEqualTo("Retry-After");
  }

  @Test
  void listeningLineReadsBackItsPortAndTask() {
    String line = HeapfleetHeaders.listeningLine("0.0.0.0", 9091, "158d1c80", "ECS");
    assertThat(line)
        .isEqualTo("heapfleet: /heapdump listening on 0.0.0.0:9091 as task 158d1c80 (from ECS)");
    Matcher m = HeapfleetHeaders.LISTENING_LINE.matcher("INFO: " + line);
    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).isEqualTo("9091");
    assertThat(m.group(2)).isEqualTo("158d1c80");
  }

  @Test
  void listeningLineOfTheNodeAgentReadsBackToo() {
    Matcher m =
        HeapfleetHeaders.LISTENING_LINE.matcher(
            "heapfleet: /heapdump listening on 127.0.0.1:40123 as task node-b");
    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).isEqualTo("40123");
    assertThat(m.group(2)).isEqualTo("node-b");
  }
}
