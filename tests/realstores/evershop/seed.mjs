// Seeds a fresh EverShop through its own admin REST API: cash on delivery on, one parcel, one
// product with stock, a shipping zone for the US with one flat-rate method. Prints what the
// tests need as JSON.   usage: node seed.mjs BASE_URL ADMIN_EMAIL ADMIN_PASSWORD
const [base, email, password] = process.argv.slice(2);
const SKU = 'SC-MUG-1';

async function call(method, path, body, token) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const answer = await fetch(base + path, {
    method, headers, body: JSON.stringify(body), signal: AbortSignal.timeout(15000)
  });
  const json = await answer.json();
  if (!answer.ok || json.error) {
    throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(json)}`);
  }
  return json.data;
}

const { accessToken: token } = await call('POST', '/api/user/tokens', { email, password });
await call('POST', '/api/settings', { codPaymentStatus: 1, codDisplayName: 'Cash on Delivery' },
  token);
const parcel = await call('POST', '/api/packages',
  { name: 'Box', length: 20, width: 15, height: 10, weight: 0.1, is_default: true }, token);
await call('POST', '/api/products', {
  name: 'Storecheck Mug', sku: SKU, price: 12.5, qty: 100000, manage_stock: 1,
  stock_availability: 1, status: 1, visibility: 1, url_key: 'storecheck-mug', weight: 0.3,
  group_id: 1, package_id: parcel.package_id
}, token);
// A new zone has the core shipping provider attached; it needs a method and a rate.
const zone = await call('POST', '/api/shippingZones',
  { name: 'United States', countries: ['US'], provinces: [] }, token);
const method = await call('POST', '/api/shippingProviders/core/methods',
  { name: 'Standard', is_enabled: true }, token);
await call('POST', '/api/shippingProviders/core/rates',
  { method_id: method.uuid, zone_id: zone.uuid, is_enabled: true, cost: 5 }, token);
// The product's URL (/storecheck-mug) is written by the store's event process a moment later.
const deadline = Date.now() + 30000;
while ((await fetch(`${base}/storecheck-mug`, { signal: AbortSignal.timeout(5000) })).status !== 200) {
  if (Date.now() > deadline) throw new Error('the product page /storecheck-mug never answered 200');
  await new Promise((resolve) => setTimeout(resolve, 250));
}
console.log(JSON.stringify({ sku: SKU, shipping_method: method.uuid }));
