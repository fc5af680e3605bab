// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title RewardToken
 * @notice A plain fixed-supply ERC-20 for local and test chains: the whole supply is minted to
 * `holder` (the deployer, who then funds the ledger). Production chains may use any ERC-20.
 */
contract RewardToken is ERC20 {
    /**
     * @param name_ token name
     * @param symbol_ token symbol
     * @param holder receives the whole supply
     * @param supply the supply in base units (18 decimals)
     */
    constructor(string memory name_, string memory symbol_, address holder, uint256 supply) ERC20(name_, symbol_) {
        _mint(holder, supply);
    }
}
