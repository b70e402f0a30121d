import { cancelAllOrders } from "./cancel-all-orders.ts";
import { cancelOrder } from "./cancel-order.ts";
import { modifyOrder } from "./modify-order.ts";
import { placeOrder } from "./place-order.ts";
import { previewOrder } from "./preview-order.ts";

/** The trade tools, in the order tools/list shows them; listed only when trading is switched on. */
export const orderTools = [previewOrder, placeOrder, modifyOrder, cancelOrder, cancelAllOrders] as const;
