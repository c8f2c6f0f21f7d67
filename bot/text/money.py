"""How a sum of money is written, in any currency: a sign before the figure ("$3m", "₹40",
"R$ 12", "Ŧ3.85"), a code ("USD 40", "40 KES") or a name after it ("40 million shillings").
Patterns only (regular-expression source), for the stages that tell a sum from a count. Pure.

Articles are not all in dollars, euros and pounds: a Kenyan story counts in shillings, a
Brazilian one in reais, and a sign the tables below do not know is still a sign when it is a
lone symbol or letter outside the ASCII range right before a figure.
"""

from __future__ import annotations

# Currency signs (Unicode's currency-symbol class), and a lone
# non-ASCII letter or symbol before a figure, as a currency of its own ("Ŧ3.85", "ℳ12"): a
# letter inside a word ("Zürich 2") is not one, nor is punctuation (quotes, dashes, minus).
SIGN = (
    r"(?:(?:US|A|AU|C|CA|NZ|HK|S|NT|R|Mex)?\$|[€£¥₹₩₺₽₴₦₱₪₫₭₮₲₵₸₼₾₿฿¢]|"
    # … and every sign of Unicode's currency block and the others of its class ("₷12")
    r"[\u20a0-\u20cf\u00a4\u058f\u060b\u09f2\u09f3\u0af1\u0bf9\u17db\ufdfc]|"
    r"\bRs\.?|\bKSh|(?<![\w])[^\W\d_A-Za-z])"
)
# ISO codes written beside the figure ("USD 40", "40 KES"), in capitals whatever the flags
CODE = (
    r"(?-i:USD|EUR|GBP|JPY|CNY|RMB|CHF|INR|KES|NGN|ZAR|BRL|MXN|ARS|COP|CLP|PEN|CAD|AUD|NZD|"
    r"HKD|SGD|SEK|NOK|DKK|PLN|CZK|HUF|RON|BGN|TRY|RUB|UAH|ILS|AED|SAR|QAR|EGP|MAD|GHS|TZS|"
    r"UGX|ETB|PKR|BDT|LKR|IDR|MYR|THB|VND|PHP|KRW|TWD)"
)
# Names of currencies after the figure ("40 million shillings")
NAME = (
    r"(?:euros?|dollars?|pounds?|sterling|yuan|renminbi|yen|francs?|crowns?|kron(?:or|er|a)|"
    r"koruna|korun|rupees?|rupiah|pesos?|reais|rand|zloty(?:s|ch)?|forints?|lira|lire|"
    r"roubles?|rubles?|hryvnias?|won|dinars?|dirhams?|riyals?|rials?|shekels?|baht|ringgit|"
    r"naira|shillings?|cedis?|kwacha|birr|taka|dong|leva|levs?|lei|lev|lari|tenge)"
)
# A sum: sign then figure, code then figure, or figure (with its scale) then code or name
SUM = (
    rf"{SIGN}\s?\d|\b{CODE}\s?\d|"
    rf"\d[\d.,]*\s*(?:million|billion|trillion|bn|m)?\s*(?:{CODE}\b|{NAME}\b)"
)
