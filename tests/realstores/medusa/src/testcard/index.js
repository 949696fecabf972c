// A card payment provider that behaves like a payment service's test mode: every card is
// authorized except the decline test number, whose authorization throws as a payment
// service's client library does on a declined card. Medusa then answers the cart's
// completion with the cart and a payment_authorization_error (see its complete-cart route).
const crypto = require("crypto")
const {
  AbstractPaymentProvider,
  ModuleProvider,
  Modules,
  PaymentActions,
  PaymentSessionStatus,
} = require("@medusajs/framework/utils")

const DECLINED_CARD = "4000000000000002"

class TestCardProvider extends AbstractPaymentProvider {
  static identifier = "testcard"

  async initiatePayment(input) {
    return { id: crypto.randomUUID(), data: { card: input.data?.card ?? null } }
  }
  async authorizePayment(input) {
    if (input.data?.card === DECLINED_CARD) {
      throw new Error("card_declined: Your card was declined.")
    }
    return { status: PaymentSessionStatus.AUTHORIZED, data: input.data ?? {} }
  }
  async getPaymentStatus(input) {
    return { status: PaymentSessionStatus.AUTHORIZED, data: input.data ?? {} }
  }
  async capturePayment(input) {
    return { data: input.data ?? {} }
  }
  async cancelPayment(input) {
    return { data: input.data ?? {} }
  }
  async refundPayment(input) {
    return { data: input.data ?? {} }
  }
  async retrievePayment(input) {
    return { data: input.data ?? {} }
  }
  async updatePayment(input) {
    return { data: input.data ?? {} }
  }
  async deletePayment(input) {
    return { data: input.data ?? {} }
  }
  async getWebhookActionAndData() {
    return { action: PaymentActions.NOT_SUPPORTED }
  }
}

module.exports = ModuleProvider(Modules.PAYMENT, { services: [TestCardProvider] })
