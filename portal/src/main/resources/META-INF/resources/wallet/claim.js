// Claims a volunteer's reward with any EIP-1193 wallet (window.ethereum): the ledger view gives the
// transaction the portal built from the newest epoch's proof; the wallet sends it, this script waits
// for the receipt and reads the payout address's new token balance through the same wallet.
// Loaded at run time by the ledger view (import('/wallet/claim.js')); no build step.

const BALANCE_OF = '0x70a08231';
const SYMBOL = '0x95d89b41';
const DECIMALS = '0x313ce567';

function hexOf(n) {
  return '0x' + BigInt(n).toString(16);
}

function word(address) {
  return address.toLowerCase().replace(/^0x/, '').padStart(64, '0');
}

/** The ABI-encoded string an ERC-20 `symbol()` answers. */
function abiString(hex) {
  const data = hex.replace(/^0x/, '');
  const length = parseInt(data.slice(64, 128), 16);
  const bytes = data.slice(128, 128 + 2 * length).match(/../g) || [];
  return new TextDecoder().decode(new Uint8Array(bytes.map((b) => parseInt(b, 16))));
}

/** A token amount in base units as a decimal number of tokens, at most 6 places. */
function tokens(units, decimals) {
  const scale = 10n ** BigInt(decimals);
  const whole = units / scale;
  const fraction = (units % scale).toString().padStart(decimals, '0').slice(0, 6).replace(/0+$/, '');
  return whole.toLocaleString('en-US') + (fraction ? '.' + fraction : '');
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A wallet's refusal or error as {ok: false, code, detail}: 4001 is EIP-1193's "user rejected". */
function failure(e) {
  return {ok: false, code: e && e.code === 4001 ? 'DECLINED' : 'ERROR', detail: (e && (e.message || e.reason)) || String(e)};
}

/**
 * @param c {chainId, contract, calldata, token, payout}
 * @return {Promise<{ok: true, txHash, block, gasUsed, balance, symbol}|{ok: false, code, detail, chain, txHash}>}
 *     never rejects; the view words each code (NO_WALLET, NO_ACCOUNT, WRONG_CHAIN, DECLINED, NO_RECEIPT,
 *     REVERTED, ERROR) in the visitor's language
 */
export async function claim(c) {
  const wallet = window.ethereum;
  if (!wallet || typeof wallet.request !== 'function') {
    return {ok: false, code: 'NO_WALLET'};
  }
  try {
    const accounts = await wallet.request({method: 'eth_requestAccounts'});
    if (!accounts || accounts.length === 0) {
      return {ok: false, code: 'NO_ACCOUNT'};
    }
    const chain = BigInt(await wallet.request({method: 'eth_chainId'}));
    if (chain !== BigInt(c.chainId)) {
      try {
        await wallet.request({method: 'wallet_switchEthereumChain', params: [{chainId: hexOf(c.chainId)}]});
      } catch (e) {
        return {ok: false, code: 'WRONG_CHAIN', chain: chain.toString(), detail: failure(e).detail};
      }
    }
    const txHash = await wallet.request({method: 'eth_sendTransaction',
      params: [{from: accounts[0], to: c.contract, data: c.calldata}]});
    let receipt = null;
    for (let waited = 0; receipt === null; waited += 1000) {
      if (waited > 300000) {
        return {ok: false, code: 'NO_RECEIPT', txHash};
      }
      receipt = await wallet.request({method: 'eth_getTransactionReceipt', params: [txHash]});
      if (receipt === null) {
        await sleep(1000);
      }
    }
    if (BigInt(receipt.status) !== 1n) {
      return {ok: false, code: 'REVERTED', txHash};
    }
    const call = (data) => wallet.request({method: 'eth_call', params: [{to: c.token, data}, 'latest']});
    const balance = BigInt(await call(BALANCE_OF + word(c.payout)));
    const decimals = Number(BigInt(await call(DECIMALS)));
    const symbol = abiString(await call(SYMBOL));
    return {ok: true, txHash, block: Number(BigInt(receipt.blockNumber)), gasUsed: Number(BigInt(receipt.gasUsed)),
      balance: tokens(balance, decimals), symbol};
  } catch (e) {
    return failure(e);
  }
}
