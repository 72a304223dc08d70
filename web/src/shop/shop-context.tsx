import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { shopperApi } from '../shared/api';
import { useToken } from '../shared/session';
import type { Channel } from '../shared/lookups';

const KEY_STORAGE = 'omniloop.shop.key';
const CART_STORAGE = 'omniloop.shop.cart';

/**
 * The storefront browses with a publishable key (catalog and stock, nothing private) and acts for
 * the shopper with their session token once they sign in. A cart keeps the identity it was opened
 * with, so a guest cart stays reachable after sign-in.
 */
export interface CartRef { id: string; as: 'key' | 'shopper' }

interface Shop {
  key: string;
  channel: Channel;
  shopperToken: string | null;
  cart: CartRef | null;
  setCart(c: CartRef | null): void;
  /** The token for a cart call. */
  cartToken(c: CartRef): string | null;
}

const ShopContext = createContext<Shop | null>(null);

export function readStorefrontKey(): string | null {
  const fromUrl = new URLSearchParams(location.search).get('key');
  if (fromUrl) localStorage.setItem(KEY_STORAGE, fromUrl);
  return fromUrl ?? localStorage.getItem(KEY_STORAGE);
}

export function useWebChannel(key: string) {
  return useQuery<Channel>({
    queryKey: ['shop-channel', key],
    staleTime: Infinity,
    queryFn: async () => {
      const all: Channel[] = (await shopperApi.get('/v1/channels', undefined, { token: key })).data;
      const web = all.find((c) => c.code === 'web' && c.active) ?? all.find((c) => c.kind === 'web' && c.active);
      if (!web) throw new Error('no active web channel');
      return web;
    },
  });
}

export function ShopProvider({ storefrontKey, channel, children }: { storefrontKey: string; channel: Channel; children: ReactNode }) {
  const shopperToken = useToken(shopperApi);
  const qc = useQueryClient();
  const [cart, setCartState] = useState<CartRef | null>(() => JSON.parse(localStorage.getItem(CART_STORAGE) ?? 'null'));
  const setCart = useCallback((c: CartRef | null) => {
    if (c) localStorage.setItem(CART_STORAGE, JSON.stringify(c));
    else localStorage.removeItem(CART_STORAGE);
    setCartState(c);
    qc.invalidateQueries({ queryKey: ['cart'] });
  }, [qc]);
  // A shopper's cart goes with their session.
  useEffect(() => {
    if (!shopperToken && cart?.as === 'shopper') setCart(null);
  }, [shopperToken, cart, setCart]);
  const cartToken = useCallback((c: CartRef) => (c.as === 'shopper' ? shopperToken : storefrontKey), [shopperToken, storefrontKey]);
  return <ShopContext.Provider value={{ key: storefrontKey, channel, shopperToken, cart, setCart, cartToken }}>{children}</ShopContext.Provider>;
}

export function useShop(): Shop {
  const ctx = useContext(ShopContext);
  if (!ctx) throw new Error('useShop outside ShopProvider');
  return ctx;
}

/**
 * Keeps a cart the server just answered with. A read of the cart still in flight (opening a cart
 * refreshes every cart query) would otherwise land later and show the cart as it was before.
 */
export function useCartAnswer() {
  const qc = useQueryClient();
  return useCallback(async (cart: { id: string }) => {
    await qc.cancelQueries({ queryKey: ['cart', cart.id] });
    qc.setQueryData(['cart', cart.id], cart);
  }, [qc]);
}

/** The open cart, priced now; a cart that was checked out or is gone is forgotten. */
export function useCart() {
  const shop = useShop();
  return useQuery({
    queryKey: ['cart', shop.cart?.id],
    enabled: Boolean(shop.cart),
    queryFn: async () => {
      try {
        const c = await shopperApi.get(`/v1/carts/${shop.cart!.id}`, undefined, { token: shop.cartToken(shop.cart!) });
        if (c.status !== 'open') shop.setCart(null);
        return c;
      } catch (err) {
        shop.setCart(null);
        throw err;
      }
    },
  });
}
