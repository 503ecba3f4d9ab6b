import io.heapfleet.storage.EmbeddedS3;
import java.nio.file.Path;

/** Runs the project's EmbeddedS3 (S3Proxy, filesystem store) until killed; prints its endpoint. */
public final class EmbeddedS3Main {
  public static void main(String[] args) throws Exception {
    EmbeddedS3 s3 = EmbeddedS3.filesystem(Path.of(args[0]), "heapfleet");
    System.out.println("endpoint=" + s3.endpoint());
    System.out.println("accessKey=" + s3.accessKey());
    System.out.println("secretKey=" + s3.secretKey());
    System.out.println("region=" + s3.region());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
