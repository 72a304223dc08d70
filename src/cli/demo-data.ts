/**
 * The demo brand: 衣见 Yijian, an apparel brand in Shanghai with a warehouse in Jiading, three
 * stores downtown and five sales channels. Coordinates are the real places (WGS-84).
 */
export const BRAND = { name: '衣见 Yijian', currency: 'CNY' };

export const CHANNELS = [
  { code: 'web', name: 'Yijian web shop', kind: 'web' },
  { code: 'app', name: 'Yijian app', kind: 'app' },
  { code: 'mini', name: 'Yijian WeChat mini-program', kind: 'mini_program' },
  { code: 'tmall', name: 'Yijian Tmall flagship store', kind: 'marketplace' },
  { code: 'pos', name: 'Store POS', kind: 'pos' },
] as const;

export const week = (open: string, close: string) =>
  Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ open, close }]]));

export const LOCATIONS = [
  {
    code: 'WH-JD', kind: 'warehouse', name: 'Jiading warehouse', priority: 10,
    address: { line1: '1288 Huyi Highway, Jiading District', city: 'Shanghai', postalCode: '201821', country: 'CN' },
    geo: { lat: 31.3747, lng: 121.2650 }, services: ['ship_from_store'], openingHours: week('08:00', '20:00'),
  },
  {
    code: 'SH-NJR', kind: 'store', name: 'Nanjing Road flagship', priority: 20,
    address: { line1: '800 East Nanjing Road, Huangpu District', city: 'Shanghai', postalCode: '200001', country: 'CN' },
    geo: { lat: 31.2366, lng: 121.4793 }, services: ['pickup', 'ship_from_store', 'returns', 'try_on', 'appointments', 'vouchers'], openingHours: week('10:00', '22:00'),
  },
  {
    code: 'SH-XTD', kind: 'store', name: 'Xintiandi', priority: 30,
    address: { line1: '123 Xingye Road, Huangpu District', city: 'Shanghai', postalCode: '200021', country: 'CN' },
    geo: { lat: 31.2196, lng: 121.4740 }, services: ['pickup', 'returns', 'try_on', 'appointments', 'vouchers'], openingHours: week('10:00', '22:00'),
  },
  {
    code: 'SH-JAS', kind: 'store', name: "Jing'an Temple", priority: 30,
    address: { line1: "1618 West Nanjing Road, Jing'an District", city: 'Shanghai', postalCode: '200040', country: 'CN' },
    geo: { lat: 31.2238, lng: 121.4455 }, services: ['pickup', 'returns', 'try_on', 'vouchers'], openingHours: week('10:00', '21:30'),
  },
] as const;

export const CATEGORIES = [
  { slug: 'tops', name: 'Tops 上装' },
  { slug: 'bottoms', name: 'Bottoms 下装' },
  { slug: 'outerwear', name: 'Outerwear 外套' },
  { slug: 'dresses', name: 'Dresses 连衣裙' },
  { slug: 'accessories', name: 'Accessories 配饰' },
  { slug: 'services', name: 'Services 服务' },
] as const;

/** [title, category, base price in fen, sizes, colours] */
const LINES: Array<[string, string, number, string[], string[]]> = [
  ['Organic cotton crew tee 有机棉圆领T恤', 'tops', 9900, ['S', 'M', 'L', 'XL'], ['white', 'black', 'navy']],
  ['Linen camp-collar shirt 亚麻古巴领衬衫', 'tops', 29900, ['S', 'M', 'L', 'XL'], ['sand', 'white']],
  ['Oxford button-down shirt 牛津纺衬衫', 'tops', 25900, ['S', 'M', 'L', 'XL'], ['blue', 'white']],
  ['Merino crew sweater 美利奴羊毛衫', 'tops', 49900, ['S', 'M', 'L'], ['grey', 'camel', 'black']],
  ['Heavyweight hoodie 重磅卫衣', 'tops', 35900, ['S', 'M', 'L', 'XL'], ['grey', 'black']],
  ['Silk blouse 真丝衬衫', 'tops', 69900, ['XS', 'S', 'M', 'L'], ['ivory', 'black']],
  ['Striped Breton top 条纹海魂衫', 'tops', 15900, ['S', 'M', 'L'], ['navy-white']],
  ['Cashmere turtleneck 羊绒高领衫', 'tops', 129900, ['S', 'M', 'L'], ['oat', 'black']],
  ['Polo shirt 珠地网眼Polo衫', 'tops', 19900, ['S', 'M', 'L', 'XL'], ['white', 'green', 'navy']],
  ['Ribbed tank 罗纹背心', 'tops', 7900, ['S', 'M', 'L'], ['white', 'black']],
  ['Straight selvedge jeans 直筒赤耳牛仔裤', 'bottoms', 49900, ['28', '30', '32', '34'], ['indigo']],
  ['Pleated wool trousers 褶裥羊毛西裤', 'bottoms', 59900, ['28', '30', '32', '34'], ['charcoal', 'navy']],
  ['Chino shorts 卡其短裤', 'bottoms', 19900, ['28', '30', '32', '34'], ['khaki', 'olive']],
  ['Wide-leg linen pants 阔腿亚麻裤', 'bottoms', 32900, ['S', 'M', 'L'], ['natural', 'black']],
  ['Pleated midi skirt 百褶中长裙', 'bottoms', 39900, ['S', 'M', 'L'], ['black', 'olive']],
  ['Track pants 运动长裤', 'bottoms', 25900, ['S', 'M', 'L', 'XL'], ['black', 'navy']],
  ['Cargo pants 工装裤', 'bottoms', 35900, ['S', 'M', 'L', 'XL'], ['olive', 'stone']],
  ['Denim skirt 牛仔半身裙', 'bottoms', 29900, ['S', 'M', 'L'], ['light-blue']],
  ['Down jacket 轻薄羽绒服', 'outerwear', 89900, ['S', 'M', 'L', 'XL'], ['black', 'navy', 'red']],
  ['Wool overcoat 双面呢大衣', 'outerwear', 199900, ['S', 'M', 'L'], ['camel', 'charcoal']],
  ['Trench coat 经典风衣', 'outerwear', 129900, ['S', 'M', 'L'], ['khaki', 'black']],
  ['Denim jacket 牛仔夹克', 'outerwear', 45900, ['S', 'M', 'L', 'XL'], ['indigo']],
  ['Quilted liner jacket 绗缝内胆外套', 'outerwear', 39900, ['S', 'M', 'L'], ['olive', 'black']],
  ['Rain shell 防水冲锋衣', 'outerwear', 69900, ['S', 'M', 'L', 'XL'], ['yellow', 'black']],
  ['Fleece zip jacket 摇粒绒外套', 'outerwear', 29900, ['S', 'M', 'L', 'XL'], ['cream', 'grey']],
  ['Leather biker jacket 皮质机车夹克', 'outerwear', 259900, ['S', 'M', 'L'], ['black']],
  ['Linen shirt dress 亚麻衬衫裙', 'dresses', 45900, ['XS', 'S', 'M', 'L'], ['sand', 'white']],
  ['Knit midi dress 针织中长连衣裙', 'dresses', 55900, ['S', 'M', 'L'], ['black', 'oat']],
  ['Slip dress 真丝吊带裙', 'dresses', 79900, ['XS', 'S', 'M'], ['champagne', 'black']],
  ['Wrap dress 裹身连衣裙', 'dresses', 49900, ['S', 'M', 'L'], ['floral', 'navy']],
  ['Qipao-inspired dress 新中式改良旗袍', 'dresses', 99900, ['S', 'M', 'L'], ['jade', 'ink']],
  ['T-shirt dress T恤连衣裙', 'dresses', 19900, ['S', 'M', 'L'], ['grey', 'black']],
  ['Canvas tote 帆布托特包', 'accessories', 12900, ['one-size'], ['natural', 'black']],
  ['Leather belt 头层牛皮腰带', 'accessories', 25900, ['90', '100', '110'], ['brown', 'black']],
  ['Wool beanie 羊毛针织帽', 'accessories', 9900, ['one-size'], ['grey', 'black', 'red']],
  ['Silk scarf 真丝方巾', 'accessories', 39900, ['one-size'], ['blue-print', 'red-print']],
  ['Crossbody bag 斜挎包', 'accessories', 59900, ['one-size'], ['black', 'tan']],
  ['Cotton socks 3-pack 棉袜三双装', 'accessories', 5900, ['S', 'M', 'L'], ['mixed']],
  ['Sunglasses 太阳镜', 'accessories', 49900, ['one-size'], ['tortoise', 'black']],
  ['Baseball cap 棒球帽', 'accessories', 11900, ['one-size'], ['navy', 'white', 'khaki']],
  ['Leather sneakers 小白鞋', 'accessories', 69900, ['38', '39', '40', '41', '42', '43'], ['white']],
  ['Cashmere gloves 羊绒手套', 'accessories', 22900, ['S', 'M'], ['grey', 'black']],
  ['Weekend duffel 旅行包', 'accessories', 89900, ['one-size'], ['olive', 'black']],
  ['Card holder 卡包', 'accessories', 15900, ['one-size'], ['black', 'tan']],
  ['Umbrella 晴雨伞', 'accessories', 12900, ['one-size'], ['black', 'navy']],
  ['Knit scarf 针织围巾', 'accessories', 19900, ['one-size'], ['camel', 'grey']],
  ['Ankle boots 切尔西靴', 'accessories', 89900, ['37', '38', '39', '40', '41', '42'], ['black', 'brown']],
];

/** Service products: paid online, consumed in a store (e-vouchers). */
export const SERVICES: Array<[string, number]> = [
  ['Personal styling session 一对一造型服务', 29900],
  ['Tailoring voucher: trouser hemming 裤脚修改券', 3900],
  ['Garment care: coat cleaning 大衣精洗券', 15900],
];

export const PRODUCTS = LINES.map(([title, category, price, sizes, colors], i) => ({
  code: `YJ${String(i + 1).padStart(3, '0')}`,
  title,
  category,
  price,
  variants: colors.flatMap((color) => sizes.map((size) => ({ size, color }))),
}));

/** Bookable in-store services (appointments), at the stores that offer appointments. */
export const APPOINTMENT_SERVICES = [
  { kind: 'experience', name: 'Personal styling 一对一造型', durationMinutes: 60, capacity: 1, price: 29900, stores: ['SH-NJR', 'SH-XTD'] },
  { kind: 'fitting', name: 'Tailored fitting 量体修改', durationMinutes: 30, capacity: 2, price: 0, stores: ['SH-NJR', 'SH-XTD'] },
] as const;

/** Regular shoppers: their orders come back to the same customer, who collects points as a member. */
export const SHOPPERS = [
  ['Li Wei', 'li.wei@example.com'], ['Wang Fang', 'wang.fang@example.com'], ['Zhang Min', 'zhang.min@example.com'],
  ['Chen Jing', 'chen.jing@example.com'], ['Liu Yang', 'liu.yang@example.com'], ['Zhao Lei', 'zhao.lei@example.com'],
  ['Huang Ting', 'huang.ting@example.com'], ['Zhou Xin', 'zhou.xin@example.com'], ['Wu Hao', 'wu.hao@example.com'],
  ['Xu Jia', 'xu.jia@example.com'], ['Sun Yue', 'sun.yue@example.com'], ['Ma Lin', 'ma.lin@example.com'],
  ['Zhu Qing', 'zhu.qing@example.com'], ['Hu Bo', 'hu.bo@example.com'], ['Guo Rui', 'guo.rui@example.com'],
  ['He Nan', 'he.nan@example.com'],
].map(([name, email]) => ({ name, email }));

/** Where delivery orders go: real Shanghai addresses, one per shopper in turn. */
export const ADDRESSES = [
  { line1: '88 Century Avenue, Pudong', postalCode: '200120' },
  { line1: '1 Xujiahui Road, Xuhui', postalCode: '200030' },
  { line1: '500 Changyang Road, Yangpu', postalCode: '200082' },
  { line1: '318 Fuzhou Road, Huangpu', postalCode: '200001' },
  { line1: '1000 Hongqiao Road, Changning', postalCode: '200051' },
].map((a) => ({ ...a, city: 'Shanghai', country: 'CN' }));

/** A partner optician (联盟商家) whose store redeems the brand's lens voucher. */
export const PARTNER = {
  name: 'Bright Optics 明亮眼镜',
  contact: { name: 'Ms Lin', email: 'lin@bright-optics.example', phone: '+862163330000' },
  settlement: { currency: 'CNY', cycle: 'monthly', paymentDays: 30 },
  store: {
    code: 'PT-BRIGHT', kind: 'store', name: 'Bright Optics Huaihai Road', priority: 90,
    address: { line1: '500 Middle Huaihai Road, Huangpu District', city: 'Shanghai', postalCode: '200020', country: 'CN' },
    geo: { lat: 31.2209, lng: 121.4700 }, services: ['vouchers'], openingHours: week('10:00', '21:00'),
  },
  voucher: { title: 'Lens fitting at Bright Optics 联盟眼镜验配券', sku: 'SVC-PT-LENS', price: 19900, owedPerRedemption: 12000 },
} as const;
