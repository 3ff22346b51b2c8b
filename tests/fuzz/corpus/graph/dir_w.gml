Creator "lrs gen_formats"
Version 1
graph
[
  directed 1
  node
  [
    id 0
  ]
  node
  [
    id 1
  ]
  node
  [
    id 2
  ]
  node
  [
    id 3
  ]
  node
  [
    id 4
  ]
  edge
  [
    source 0
    target 1
    weight 0.5
  ]
  edge
  [
    source 1
    target 1
    weight 2
  ]
  edge
  [
    source 1
    target 2
    weight 1.5
  ]
  edge
  [
    source 2
    target 0
    weight 3
  ]
  edge
  [
    source 3
    target 0
    weight 0.25
  ]
  edge
  [
    source 2
    target 3
    weight 1
  ]
]
