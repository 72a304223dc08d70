import { useEffect, useState, type ReactNode } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Button } from 'antd';
import { useNavigate } from 'react-router';
import { ApiError, shopperApi } from '../shared/api';
import { useT } from '../shared/i18n';
import { useCartAnswer, useShop, type CartRef } from './shop-context';
import { Account } from './Account';
import './deals.css';

/** What flash sales and group buys share on the storefront: the items they name, clocks, and buying under an offer. */

export type Offer = { kind: 'flash_sale' | 'group_buy'; id: string };

export interface Listed { product: any; variant: any }

/** Every item the web channel lists, by variant id: a deal names a variant, the page shows its product. */
export function useListing() {
  const shop = useShop();
  return useQuery({
    queryKey: ['shop-listing', shop.channel.id],
    staleTime: 120_000,
    queryFn: async () => {
      const products = await shopperApi.all(`/v1/channels/${shop.channel.id}/products`, { limit: 100 }, { max: 2000, token: shop.key });
      const map = new Map<string, Listed>();
      for (const product of products) for (const variant of product.variants) map.set(variant.id, { product, variant });
      return map;
    },
  });
}

/** The current time, ticking every second while a countdown is on screen. */
export function useNow(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** Time left until `iso`, as 1d 02:03:04 (no days when under one). */
export function Countdown({ to, testId }: { to: string; testId?: string }) {
  const t = useT();
  const now = useNow();
  const s = Math.max(0, Math.floor((Date.parse(to) - now) / 1000));
  const two = (n: number) => String(n).padStart(2, '0');
  const hms = `${two(Math.floor((s % 86400) / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  const days = Math.floor(s / 86400);
  return <span className="countdown" data-testid={testId}>{days ? t('{d}d {hms}', { d: days, hms }) : hms}</span>;
}

/** Where a campaign stands by the shopper's clock, so a sale starts on screen without a reload. */
export function phaseNow(c: { startsAt: string; endsAt: string }, now: number): 'upcoming' | 'running' | 'over' {
  if (now >= Date.parse(c.endsAt)) return 'over';
  return now < Date.parse(c.startsAt) ? 'upcoming' : 'running';
}

/**
 * Adds one unit bought under an offer and goes to the cart. Offers need a signed-in shopper, so the
 * line goes in the shopper's own cart; a cart has one line per item, so when the item is already
 * in it (at the usual price) the offer gets a cart of its own. A line whose offer does not apply is
 * taken out again and its problem shown, rather than left in the cart at the usual price.
 */
export function useBuyUnderOffer() {
  const shop = useShop();
  const keep = useCartAnswer();
  const nav = useNavigate();
  return useMutation({
    mutationFn: async ({ variantId, offer }: { variantId: string; offer: Offer }) => {
      const token = shop.shopperToken;
      if (!token) throw new ApiError({ status: 401, code: 'unauthenticated', detail: 'sign in first' });
      let ref: CartRef | null = null;
      if (shop.cart?.as === 'shopper') {
        const current = await shopperApi.get(`/v1/carts/${shop.cart.id}`, undefined, { token }).catch(() => null);
        if (current?.status === 'open' && !current.lines.some((l: any) => l.variantId === variantId)) ref = shop.cart;
      }
      ref ??= { id: (await shopperApi.post('/v1/carts', { channelId: shop.channel.id }, { token })).id, as: 'shopper' };
      const cart = await shopperApi.post(`/v1/carts/${ref.id}/lines`, { variantId, quantity: 1, offer }, { token });
      const line = cart.lines.find((l: any) => l.variantId === variantId);
      if (line?.offerProblem) {
        await shopperApi.delete(`/v1/carts/${ref.id}/lines/${line.id}`, { token }).catch(() => {});
        throw new ApiError({ status: 409, code: line.offerProblem.code, detail: line.offerProblem.detail });
      }
      shop.setCart(ref);
      await keep(cart);
      return cart;
    },
    onSuccess: () => nav('/shop/cart'),
  });
}

/** `children` for a signed-in shopper; otherwise a button that opens the sign-in in place. */
export function SignedIn({ prompt, children }: { prompt: string; children: ReactNode }) {
  const shop = useShop();
  const [asked, setAsked] = useState(false);
  if (shop.shopperToken) return <>{children}</>;
  if (asked) return <Account>{children}</Account>;
  return <Button type="primary" size="large" block onClick={() => setAsked(true)} data-testid="sign-in-to-buy">{prompt}</Button>;
}
