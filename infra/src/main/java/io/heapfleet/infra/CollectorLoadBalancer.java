package io.heapfleet.infra;

import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.elasticloadbalancingv2.AddApplicationTargetsProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationListener;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationProtocol;
import software.amazon.awscdk.services.elasticloadbalancingv2.BaseApplicationListenerProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerCertificate;
import software.amazon.awscdk.services.elasticloadbalancingv2.SslPolicy;
import software.constructs.Construct;

/**
 * The optional internal HTTPS load balancer in front of the collector's API and dashboard (TLS
 * 1.2+, the certificate from the settings), reachable from the VPC only. Its target health check is
 * the collector's readiness endpoint.
 */
public final class CollectorLoadBalancer extends Construct {
  private final ApplicationLoadBalancer alb;

  public CollectorLoadBalancer(
      Construct scope,
      String id,
      IVpc vpc,
      SubnetSelection subnets,
      CollectorService collector,
      String certificateArn) {
    super(scope, id);
    SecurityGroup sg =
        SecurityGroup.Builder.create(this, "SecurityGroup")
            .vpc(vpc)
            .description("heapfleet API load balancer: HTTPS from the VPC")
            .allowAllOutbound(false)
            .build();
    sg.addIngressRule(Peer.ipv4(vpc.getVpcCidrBlock()), Port.tcp(443), "HTTPS from the VPC");
    alb =
        ApplicationLoadBalancer.Builder.create(this, "LoadBalancer")
            .vpc(vpc)
            .vpcSubnets(subnets)
            .internetFacing(false)
            .securityGroup(sg)
            .dropInvalidHeaderFields(true)
            .build();
    ApplicationListener listener =
        alb.addListener(
            "Https",
            BaseApplicationListenerProps.builder()
                .port(443)
                .protocol(ApplicationProtocol.HTTPS)
                .sslPolicy(SslPolicy.RECOMMENDED_TLS)
                .certificates(List.of(ListenerCertificate.fromArn(certificateArn)))
                .open(false)
                .build());
    listener.addTargets(
        "Collector",
        AddApplicationTargetsProps.builder()
            .port(CollectorConfig.HTTP_PORT)
            .protocol(ApplicationProtocol.HTTP)
            .targets(List.of(collector.service()))
            .healthCheck(
                software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck.builder()
                    .path(CollectorConfig.READY_PATH)
                    .port(Integer.toString(CollectorConfig.MANAGEMENT_PORT))
                    .healthyHttpCodes("200")
                    .interval(Duration.seconds(30))
                    .build())
            .deregistrationDelay(Duration.seconds(10))
            .build());
    // Readiness lives on the management port, which the listener's target rule does not open.
    collector
        .securityGroup()
        .addIngressRule(
            sg, Port.tcp(CollectorConfig.MANAGEMENT_PORT), "load balancer health checks");
  }

  public ApplicationLoadBalancer loadBalancer() {
    return alb;
  }
}
