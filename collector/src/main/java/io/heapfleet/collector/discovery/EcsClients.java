package io.heapfleet.collector.discovery;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.Ec2ClientBuilder;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.EcsClientBuilder;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The ECS and EC2 clients for one {@link EcsClusterRef}: in the cluster's region (from its ARN,
 * else the configured default, else the SDK's region chain) with the base credentials or, when the
 * entry names a role, that role's temporary credentials ({@code sts:AssumeRole}, refreshed by the
 * SDK before they expire). Endpoint overrides serve tests and VPC endpoints.
 *
 * @param ecs the ECS client
 * @param ec2 the EC2 client
 * @param sts the STS client behind an assumed role, or null
 */
public record EcsClients(EcsClient ecs, Ec2Client ec2, StsClient sts) implements AutoCloseable {

  /** Session name in CloudTrail for calls made with an assumed role. */
  public static final String ROLE_SESSION_NAME = "heapfleet-collector";

  /**
   * Where the clients connect and how they authenticate.
   *
   * @param defaultRegion region for clusters given by name; empty: the SDK's region chain
   * @param base the collector's own credentials (the SDK default chain on ECS: the task role)
   * @param ecsEndpoint ECS endpoint override
   * @param ec2Endpoint EC2 endpoint override
   * @param stsEndpoint STS endpoint override
   * @param http the HTTP client shared by all clients (not closed here)
   */
  public record Options(
      Optional<String> defaultRegion,
      AwsCredentialsProvider base,
      Optional<URI> ecsEndpoint,
      Optional<URI> ec2Endpoint,
      Optional<URI> stsEndpoint,
      SdkHttpClient http) {}

  /** Builds the clients for {@code ref}. */
  public static EcsClients of(EcsClusterRef ref, Options options) {
    Optional<Region> region = ref.region().or(options::defaultRegion).map(Region::of);
    StsClient sts = null;
    AwsCredentialsProvider credentials = options.base();
    if (ref.roleArn().isPresent()) {
      StsClientBuilder sb = StsClient.builder().httpClient(options.http());
      if (options.base() != null) {
        sb.credentialsProvider(options.base());
      }
      region.ifPresent(sb::region);
      options.stsEndpoint().ifPresent(sb::endpointOverride);
      sts = sb.build();
      String role = ref.roleArn().get();
      credentials =
          StsAssumeRoleCredentialsProvider.builder()
              .stsClient(sts)
              .refreshRequest(r -> r.roleArn(role).roleSessionName(ROLE_SESSION_NAME))
              .build();
    }
    EcsClientBuilder eb = EcsClient.builder().httpClient(options.http());
    Ec2ClientBuilder cb = Ec2Client.builder().httpClient(options.http());
    if (credentials != null) {
      eb.credentialsProvider(credentials);
      cb.credentialsProvider(credentials);
    }
    region.ifPresent(eb::region);
    region.ifPresent(cb::region);
    options.ecsEndpoint().ifPresent(eb::endpointOverride);
    options.ec2Endpoint().ifPresent(cb::endpointOverride);
    return new EcsClients(eb.build(), cb.build(), sts);
  }

  @Override
  public void close() {
    ecs.close();
    ec2.close();
    if (sts != null) {
      sts.close();
    }
  }
}
