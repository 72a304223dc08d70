import type { Generated } from 'kysely';

export type MovementReason = 'receipt' | 'sale' | 'return' | 'adjustment' | 'transfer_out' | 'transfer_in' | 'count';
export type ReservationStatus = 'active' | 'confirmed' | 'released' | 'expired';
export type TransferStatus = 'draft' | 'in_transit' | 'received' | 'cancelled';

export interface InventoryTables {
  stock_level: {
    variant_id: string;
    location_id: string;
    on_hand: Generated<number>;
    reserved: Generated<number>;
    change_seq: Generated<number>;
    updated_at: Generated<Date>;
  };
  stock_movement: {
    id: string;
    variant_id: string;
    location_id: string;
    delta: number;
    reason: MovementReason;
    reference_type: string | null;
    reference_id: string | null;
    note: string | null;
    actor_id: string | null;
    created_at: Generated<Date>;
  };
  reservation: {
    id: string;
    status: Generated<ReservationStatus>;
    channel_id: string | null;
    reference_type: string | null;
    reference_id: string | null;
    expires_at: Date | null;
    created_at: Generated<Date>;
    closed_at: Date | null;
  };
  reservation_line: {
    reservation_id: string;
    line_no: number;
    variant_id: string;
    location_id: string;
    quantity: number;
    bundle_variant_id: string | null;
  };
  stock_transfer: {
    id: string;
    source_location_id: string;
    destination_location_id: string;
    status: Generated<TransferStatus>;
    note: string | null;
    created_by: string | null;
    created_at: Generated<Date>;
    shipped_at: Date | null;
    received_at: Date | null;
    cancelled_at: Date | null;
  };
  stock_transfer_line: { transfer_id: string; variant_id: string; quantity: number; received_quantity: Generated<number> };
  stock_count: { id: string; location_id: string; lines: string; created_by: string | null; created_at: Generated<Date> };
  channel_stock_policy: { channel_id: string; kind: 'online' | 'pos' };
  channel_location: { channel_id: string; location_id: string; priority: number };
  channel_safety_stock: { channel_id: string; variant_id: string; quantity: number };
  online_cap: { location_id: string; variant_id: string; cap: number };
  bundle_component: { bundle_variant_id: string; component_variant_id: string; quantity: number };
}
