"""Chapter 3, people: the borough's population (Table 1) and the profiles of victims against it."""
