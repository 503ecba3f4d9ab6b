package com.acme.shop;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** {@code POST /carts}: opens a cart; with {@code shop.leak=true} it is never released. */
@Path("/carts")
public class CartResource {

  @ConfigProperty(name = "shop.leak", defaultValue = "true")
  boolean leak;

  @ConfigProperty(name = "shop.cart-kb", defaultValue = "64")
  int cartKb;

  @POST
  @Produces(MediaType.APPLICATION_JSON)
  public String open() {
    Cart cart = new Cart(UUID.randomUUID().toString(), cartKb * 1024);
    if (leak) {
      CartRegistry.abandon(cart);
    }
    return "{\"cart\":\"" + cart.id() + "\",\"retained\":" + CartRegistry.size() + "}";
  }
}
