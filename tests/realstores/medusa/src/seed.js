// Seeds the store with what a shopper needs to place an order, through Medusa's own
// workflows: a region (EUR, Germany) with the system and test-card payment providers, a
// sales channel with a publishable API key, a stock location with a flat-rate shipping
// option, and 260 published products with a price. Writes the ids and the key a test needs
// as JSON to $SEED_OUT.
const fs = require("fs")
const { ContainerRegistrationKeys, Modules, ProductStatus } = require("@medusajs/framework/utils")
const {
  createApiKeysWorkflow,
  createProductsWorkflow,
  createRegionsWorkflow,
  createSalesChannelsWorkflow,
  createShippingOptionsWorkflow,
  createShippingProfilesWorkflow,
  createStockLocationsWorkflow,
  createTaxRegionsWorkflow,
  linkSalesChannelsToApiKeyWorkflow,
  linkSalesChannelsToStockLocationWorkflow,
  updateStoresWorkflow,
} = require("@medusajs/medusa/core-flows")

const CATALOG_SIZE = 260

exports.default = async function seed({ container }) {
  const link = container.resolve(ContainerRegistrationKeys.LINK)
  const fulfillment = container.resolve(Modules.FULFILLMENT)
  const [store] = await container.resolve(Modules.STORE).listStores()

  const { result: [channel] } = await createSalesChannelsWorkflow(container).run({
    input: { salesChannelsData: [{ name: "Webshop" }] },
  })
  await updateStoresWorkflow(container).run({
    input: {
      selector: { id: store.id },
      update: {
        supported_currencies: [{ currency_code: "eur", is_default: true }],
        default_sales_channel_id: channel.id,
      },
    },
  })

  const { result: [region] } = await createRegionsWorkflow(container).run({
    input: {
      regions: [{
        name: "Germany",
        currency_code: "eur",
        countries: ["de"],
        payment_providers: ["pp_system_default", "pp_testcard_testcard"],
      }],
    },
  })
  await createTaxRegionsWorkflow(container).run({
    input: [{ country_code: "de", provider_id: "tp_system" }],
  })

  const { result: [location] } = await createStockLocationsWorkflow(container).run({
    input: { locations: [{ name: "Warehouse", address: { city: "Berlin", country_code: "DE", address_1: "" } }] },
  })
  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
    [Modules.FULFILLMENT]: { fulfillment_provider_id: "manual_manual" },
  })
  let [profile] = await fulfillment.listShippingProfiles({ type: "default" })
  if (!profile) {
    ;({ result: [profile] } = await createShippingProfilesWorkflow(container).run({
      input: { data: [{ name: "Default", type: "default" }] },
    }))
  }
  const set = await fulfillment.createFulfillmentSets({
    name: "Warehouse delivery",
    type: "shipping",
    service_zones: [{ name: "Germany", geo_zones: [{ country_code: "de", type: "country" }] }],
  })
  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
    [Modules.FULFILLMENT]: { fulfillment_set_id: set.id },
  })
  const { result: [shipping] } = await createShippingOptionsWorkflow(container).run({
    input: [{
      name: "Standard",
      price_type: "flat",
      provider_id: "manual_manual",
      service_zone_id: set.service_zones[0].id,
      shipping_profile_id: profile.id,
      type: { label: "Standard", description: "Two to three days", code: "standard" },
      prices: [{ currency_code: "eur", amount: 5 }, { region_id: region.id, amount: 5 }],
      rules: [
        { attribute: "enabled_in_store", value: "true", operator: "eq" },
        { attribute: "is_return", value: "false", operator: "eq" },
      ],
    }],
  })
  await linkSalesChannelsToStockLocationWorkflow(container).run({
    input: { id: location.id, add: [channel.id] },
  })

  const { result: [key] } = await createApiKeysWorkflow(container).run({
    input: { api_keys: [{ title: "Webshop", type: "publishable", created_by: "" }] },
  })
  await linkSalesChannelsToApiKeyWorkflow(container).run({
    input: { id: key.id, add: [channel.id] },
  })

  // One shirt the checkout buys, and a catalog larger than any sane page (250 items), so
  // that what the store does with ?limit=100000 shows.
  const product = (title, handle, sku) => ({
    title,
    handle,
    status: ProductStatus.PUBLISHED,
    shipping_profile_id: profile.id,
    options: [{ title: "Size", values: ["M"] }],
    variants: [{
      title: "M",
      sku,
      options: { Size: "M" },
      manage_inventory: false,
      prices: [{ amount: 25, currency_code: "eur" }],
    }],
    sales_channels: [{ id: channel.id }],
  })
  const products = [product("Linen shirt", "linen-shirt", "LINEN-SHIRT-M")]
  for (let i = 1; i < CATALOG_SIZE; i++)
    products.push(product(`Catalog item ${i}`, `catalog-item-${i}`, `ITEM-${i}-M`))
  const { result: created } = await createProductsWorkflow(container).run({
    input: { products },
  })
  const shirt = created.find((p) => p.handle === "linen-shirt")

  fs.writeFileSync(process.env.SEED_OUT, JSON.stringify({
    publishable_key: key.token,
    region_id: region.id,
    variant_id: shirt.variants[0].id,
    shipping_option_id: shipping.id,
    product_handle: shirt.handle,
    catalog_size: CATALOG_SIZE,
  }, null, 2) + "\n")
}
