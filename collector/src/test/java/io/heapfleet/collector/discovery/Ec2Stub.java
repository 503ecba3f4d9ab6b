package io.heapfleet.collector.discovery;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code ec2:DescribeInstances} on 127.0.0.1 in the EC2 query protocol (XML in the {@code
 * 2016-11-15} namespace), for the instances registered with {@link #instance}; an IPv6-only
 * instance has no {@code privateIpAddress}, only its interface's {@code ipv6AddressesSet}.
 */
final class Ec2Stub extends QueryProtocolStub {
  private static final String NS = "http://ec2.amazonaws.com/doc/2016-11-15/";

  private record Instance(String ipv4, String ipv6) {}

  private final Map<String, Instance> instances = new ConcurrentHashMap<>();

  Ec2Stub() throws IOException {
    super();
  }

  void instance(String id, String privateIp) {
    instances.put(id, new Instance(privateIp, null));
  }

  void ipv6OnlyInstance(String id, String ipv6) {
    instances.put(id, new Instance(null, ipv6));
  }

  @Override
  String answer(Map<String, String> form) {
    if (!"DescribeInstances".equals(form.get("Action"))) {
      return null;
    }
    StringBuilder xml = new StringBuilder();
    xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .append("<DescribeInstancesResponse xmlns=\"")
        .append(NS)
        .append("\"><requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId><reservationSet>");
    for (String id : list(form, "InstanceId")) {
      Instance i = instances.get(id);
      if (i == null) {
        continue;
      }
      xml.append("<item><reservationId>r-")
          .append(id)
          .append("</reservationId><ownerId>123456789012</ownerId><instancesSet><item>")
          .append("<instanceId>")
          .append(id)
          .append("</instanceId><instanceType>m7g.large</instanceType>")
          .append("<instanceState><code>16</code><name>running</name></instanceState>");
      if (i.ipv4() != null) {
        xml.append("<privateIpAddress>").append(i.ipv4()).append("</privateIpAddress>");
      }
      xml.append("<networkInterfaceSet><item><networkInterfaceId>eni-")
          .append(id)
          .append("</networkInterfaceId>");
      if (i.ipv4() != null) {
        xml.append("<privateIpAddress>").append(i.ipv4()).append("</privateIpAddress>");
      }
      if (i.ipv6() != null) {
        xml.append("<ipv6AddressesSet><item><ipv6Address>")
            .append(i.ipv6())
            .append("</ipv6Address></item></ipv6AddressesSet>");
      }
      xml.append("</item></networkInterfaceSet></item></instancesSet></item>");
    }
    return xml.append("</reservationSet></DescribeInstancesResponse>").toString();
  }

  @Override
  String error(String code, String message) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>"
        + code
        + "</Code><Message>"
        + message
        + "</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-example</RequestID>"
        + "</Response>";
  }
}
