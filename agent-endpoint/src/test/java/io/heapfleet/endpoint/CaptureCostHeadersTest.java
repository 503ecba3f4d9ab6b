package io.heapfleet.endpoint;

import static io.heapfleet.endpoint.TestSupport.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.auth.Compression;
import io.heapfleet.endpoint.client.DumpRequest;
import io.heapfleet.endpoint.client.DumpResponse;
import io.heapfleet.endpoint.client.HeapdumpClient;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The task-side cost of a real dump of this JVM, as the endpoint reports it: the CPU the process
 * spent during the dump and the bytes written to its disk (headers, or the stream's record when the
 * response started early), and the whole request's CPU in the audit line.
 */
class CaptureCostHeadersTest {

  @TempDir Path tmp;
  @RegisterExtension final LocalAgentServer server = new LocalAgentServer();
  @RegisterExtension final AuditLines audit = new AuditLines();

  @ParameterizedTest
  @EnumSource(Compression.class)
  void aDumpReportsItsCpuAndDiskBytesAndTheAuditLineTheRequestsCpu(Compression format)
      throws Exception {
    EndpointSettings settings = LocalAgentServer.settings(tmp).build();
    TaskIdentity identity = new TaskIdentity("task-a", null, null, null, null, null, null, "JVM");
    URI base = server.start(HeapdumpEndpoint.builder(settings, identity).build());
    long sent = 0;
    DumpResponse r =
        HeapdumpClient.create().open(base, token(), DumpRequest.defaults().withFormat(format));
    try (r) {
      InputStream in = r.body();
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) != -1) {
        sent += n;
      }
    }
    long hprof = r.hprofBytes().orElseThrow();
    assertThat(r.header(HeapfleetHeaders.DISK_BYTES)).hasValue(Long.toString(hprof));
    long dumpCpu = Long.parseLong(r.header(HeapfleetHeaders.DUMP_CPU_MS).orElseThrow());
    assertThat(dumpCpu).isNotNegative();
    String line = awaitAuditLine();
    assertThat(line).contains(" dumpCpuMs=" + dumpCpu);
    // Bytes sent: what the client read, plus the zstd record's frame, which the client removes.
    long auditBytes = Long.parseLong(line.replaceAll(".* bytes=(\\d+) .*", "$1"));
    assertThat(auditBytes).isBetween(sent, sent + StreamTrailer.MAX_BYTES);
    long requestCpu = Long.parseLong(line.replaceAll(".* cpuMs=(\\d+).*", "$1"));
    assertThat(requestCpu).isGreaterThanOrEqualTo(dumpCpu);
  }

  private String awaitAuditLine() throws InterruptedException {
    return audit.await(
        l -> l.contains("outcome=ok") && l.contains(" cpuMs="), Duration.ofSeconds(5));
  }
}
