# Generated from spec/ by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Codecs generated from the Memory Slice schema in ``spec/``.

Modules: ``framing`` (file header, block header, constants), ``blocks.<id>`` (one per
block type), ``enums``, ``rules``, ``dialects`` and ``registry`` (which class decodes a
block). Regenerate with ``msl codegen``; ``msl codegen --check`` fails on drift.
"""

SPEC_SOURCES: dict[str, str] = {
    "blocks/analyst_annotation.yaml": "7d3b357ffe1fd6f6c4beb5b9beee810c0058ddfe80b5c40e5d87029996416a2c",
    "blocks/block_index_table.yaml": "4a3969c3d7b8ceba931f00b0d6e90db3d9af200f3458caf0b8c1563f322113f2",
    "blocks/connection_table.yaml": "8778df92bc1ba5976ac501c2ff0eca55a5295ff700c428aa42a1247c224d4a2b",
    "blocks/connectivity_table.yaml": "5c8ba85f240eee26af4341512eae778061309d98c9458dd0deb3ce2faa76670c",
    "blocks/connectivity_table_memdiver.yaml": "59e5c0d25cb877c4200dd3f911633f3ce6c7f66a745957298c02c89fce2f63c3",
    "blocks/diff_result.yaml": "2fa3c1b6bcd79dff4169b9af66660481446f49374cfbc616bd1a1e4329a31b29",
    "blocks/end_of_capture.yaml": "6d86e9237dac005aa8341d9782f58f083203e471f5f17a7afd32e8f6298c1695",
    "blocks/end_of_extension.yaml": "fc774eceed1e1e86b3d53ba61d0e225e1c004328809aa0ffae151cc8962a32a9",
    "blocks/environment_block.yaml": "824610daa95f93a1ea58153afd29f1bc0f3ee337df3e21bc9225fa98fd127a88",
    "blocks/file_descriptor.yaml": "cffcea95eed84320a9d40a745dfdee6bd18243992d31facbe5bd6b03c1b3ef61",
    "blocks/handle_table.yaml": "7d73ea1c54836e08e88b1b881ccd278da1c0a112696fb3b26498e5cd365363f3",
    "blocks/import_provenance.yaml": "912bf68853b2ff1c5b18a4c0786b034c45315f116250d76b336333c8e1dc3cdb",
    "blocks/kernel_module_list.yaml": "22ae3519fa8c471df242cd1b586e822f4447c6679c6202f9b7a536ab4b245e6a",
    "blocks/kernel_symbol_bundle.yaml": "f340f572c08756b69b74e5399ef14702f81a4babf1bbb79519aa477092263cd0",
    "blocks/key_hint.yaml": "d9f2c88abc564bcc48f8713a29b5eceb3da285edf9d579c08593e6dba03affb0",
    "blocks/memory_region.yaml": "3ef9196350b13739294c77345856bb0b8e41cd4ca836da3893bf4ff6b3e188f6",
    "blocks/module_build_id_manifest.yaml": "36940d38c2a67b2186ab5e1f4d6c14363afd0d5b0bec5c8f3fb4a13e2c19a4cb",
    "blocks/module_entry.yaml": "cfb9b40ff6c4cba1fdc17df3aeef6380e912d1fa2f06684653d2afbf4ec1cef6",
    "blocks/module_list_index.yaml": "3ec190bd172ced49e6a52aa8121b1d4c99f05078080b574310b758654e8d0637",
    "blocks/network_connection.yaml": "3fd7e676f2e4cab65df0e51708d2688d3a950a42b53ec245b952b17c14b0bd55",
    "blocks/persistence_manifest.yaml": "0f2173ecfb381f1a64257c62760ceade4e20e62993b2d10b2f071e0f4cf1e8c5",
    "blocks/physical_memory_map.yaml": "1d04ec48489571f19ab75d79710ee94f3ffe0db4fbc37319a0b970b95871ab6d",
    "blocks/pointer_graph.yaml": "a7d4fce46e61f54da72f7159075d1e868d6865f0e8e0a8a37c7be6235e9156e3",
    "blocks/process_identity.yaml": "18517cc50f04e848c934f52d4ef912ad45b2d84483b3148bb5d27c2b0be20bc7",
    "blocks/process_table.yaml": "d82df85efdaf32013a1705d5c9794054971bd22142f88cf9f89aab9e6f4c9034",
    "blocks/region_classification.yaml": "aea8478664bb85df0f9a97ba6031687f9ba4724486357c8ff95812aad72c9b80",
    "blocks/region_omission_manifest.yaml": "c99adc22bf199e1868eb2a5de25daf677b2b8b74b8a9abfff302516a1d561a11",
    "blocks/related_dump.yaml": "8453dd3d36060a36f7700eb76e1a9a91e76149aa1d9a56f4dfa1a37efefa6296",
    "blocks/scan_signature.yaml": "81ed04bc13d66bd9573586847fad5b81d2c32068829c87fc9831a83be290d2a8",
    "blocks/security_token.yaml": "591d2130868cc80d6d19547df6593d45e34ce4a631d841c98af9a84e21bb0e61",
    "blocks/structure_candidate.yaml": "ec9d6c00abe4397e4ff7d6af3e91376070ccdee38681484fccb3bbda773217bc",
    "blocks/system_context.yaml": "23bfbadc990242dd0f96511582af86fd8f9a8717e4071d108343f7c50315ed0d",
    "blocks/target_introspection.yaml": "2d283111b79e11274f86e4d10dd0e836c8a878043f81f9bff3ce549d67a0374e",
    "blocks/thread_context.yaml": "dcb697d38c69207b6355ef555d57fe3aea9831641c72ba44ba4a75ccb870b5a2",
    "blocks/vas_map.yaml": "2084ae28bccee9ecb65a1437514acd19b77a917477316fcfa6494f228ee4c8ca",
    "dialects.yaml": "525eb398b8d53f1df2521eef7e414e5e4bcb21e82bbfcbf8010ed26a74f4d3b9",
    "enums.yaml": "f6786a5f9d65facab088b45625f3107e4b4bcfc787cdbccb6ce601da1fedb472",
    "errata.yaml": "8b0c69a9b09b3e548c4caf2a4c3ffab37a45c4bff8a2dc91149826a954820f87",
    "format.yaml": "6b8985563e2e8e16db0de19869c2b2d3c3f51778664a60dab37aa2fd70746f55",
    "rules.yaml": "a4c175134dba6868342c871086b277bfb8ba9c542405fa3c37dc7e550580e8dd",
}
"""SHA-256 of every YAML file this package was generated from."""
