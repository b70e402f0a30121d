import { cancelAllOrdersHandler } from "./cancel-all-orders.ts";
import { cancelOrderHandler } from "./cancel-order.ts";
import { modifyOrderHandler } from "./modify-order.ts";
import { placeOrderHandler } from "./place-order.ts";
import { previewOrderHandler } from "./preview-order.ts";

/** The trade tools' handlers. */
export const orderHandlers = [
  previewOrderHandler,
  placeOrderHandler,
  modifyOrderHandler,
  cancelOrderHandler,
  cancelAllOrdersHandler,
] as const;
