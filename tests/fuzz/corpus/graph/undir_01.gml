Creator "lrs gen_formats"
Version 1
graph
[
  directed 0
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
  node
  [
    id 5
  ]
  edge
  [
    source 1
    target 0
  ]
  edge
  [
    source 2
    target 1
  ]
  edge
  [
    source 3
    target 2
  ]
  edge
  [
    source 3
    target 0
  ]
  edge
  [
    source 2
    target 0
  ]
  edge
  [
    source 4
    target 4
  ]
]
