import type { ModuleHost } from '../../platform/module.js';
import { registerErrorStatus } from '../../platform/errors.js';
import { channelRoutes } from './channels.routes.js';
import { productRoutes } from './products.routes.js';

/** Channels, categories, products and variants, prices and channel listings, and the storefront read. */
export function register(host: ModuleHost): void {
  registerErrorStatus({
    code_taken: 409,
    slug_taken: 409,
    sku_taken: 409,
    barcode_taken: 409,
    not_listed: 409,
    no_price: 409,
    channel_inactive: 409,
  });
  channelRoutes(host.app);
  productRoutes(host.app);
}

export { getChannel, listChannels, requireSelling, type Channel } from './channels.service.js';
export { getVariants, findVariantByCode, type Variant } from './variants.service.js';
export { priceVariants, variantsForSale, type EffectivePrice, type VariantsForSale } from './prices.service.js';
export { CATALOG_STAMP } from './catalog-stamp.js';
export type { ChannelKind, ProductType } from './catalog.tables.js';
