{
  "targets": [
    {
      "target_name": "werank_native",
      "sources": ["<!@(node scripts/torch-config.cjs --gyp sources)"],
      "include_dirs": [
        "native",
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node scripts/torch-config.cjs --gyp include)"
      ],
      "defines": ["<!@(node scripts/torch-config.cjs --gyp defines)"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++14", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-fopenmp", "-Wno-unused-parameter", "-Wno-unused-variable"],
      "ldflags": ["-fopenmp", "<!@(node scripts/torch-config.cjs --gyp ldflags)"],
      "libraries": ["<!@(node scripts/torch-config.cjs --gyp libs)"]
    }
  ]
}
