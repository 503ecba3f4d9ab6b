package io.heapfleet.collector.discovery;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * {@code sts:AssumeRole} on 127.0.0.1 in the STS query protocol (XML in the {@code 2011-06-15}
 * namespace): answers every role with temporary credentials whose access key id is {@code ASIA<role
 * name>} (so a test sees which role signed a request), valid for one hour.
 */
final class StsStub extends QueryProtocolStub {
  StsStub() throws IOException {
    super();
  }

  static String accessKeyOf(String roleArn) {
    return "ASIA" + roleArn.substring(roleArn.lastIndexOf('/') + 1).toUpperCase();
  }

  @Override
  String answer(Map<String, String> form) {
    if (!"AssumeRole".equals(form.get("Action"))) {
      return null;
    }
    String role = form.get("RoleArn");
    Instant expires = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    return "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
        + "<AssumeRoleResult><SourceIdentity>heapfleet</SourceIdentity><AssumedRoleUser>"
        + "<Arn>"
        + role.replace(":iam:", ":sts:").replace(":role/", ":assumed-role/")
        + "/"
        + form.get("RoleSessionName")
        + "</Arn><AssumedRoleId>AROA3XFRBF535PLBIFPI4:"
        + form.get("RoleSessionName")
        + "</AssumedRoleId></AssumedRoleUser><Credentials>"
        + "<SessionToken>FwoGZXIvYXdzEXAMPLETOKEN</SessionToken>"
        + "<SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>"
        + "<Expiration>"
        + expires
        + "</Expiration><AccessKeyId>"
        + accessKeyOf(role)
        + "</AccessKeyId></Credentials><PackedPolicySize>6</PackedPolicySize>"
        + "</AssumeRoleResult><ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7"
        + "</RequestId></ResponseMetadata></AssumeRoleResponse>";
  }

  @Override
  String error(String code, String message) {
    return "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
        + "<Type>Sender</Type><Code>"
        + code
        + "</Code><Message>"
        + message
        + "</Message></Error><RequestId>c6104cbe-af31-11e0-8154-example</RequestId>"
        + "</ErrorResponse>";
  }
}
