------------------------ MODULE SimpleAllocator -------------------------
(* Merz's SimpleAllocator (tlaplus/Examples, specifications/allocator),
   safety part, rewritten from memory for a count comparison. *)
EXTENDS FiniteSets, TLC
CONSTANTS Clients, Resources
VARIABLES unsat, alloc
vars == <<unsat, alloc>>
TypeInvariant ==
  /\ unsat \in [Clients -> SUBSET Resources]
  /\ alloc \in [Clients -> SUBSET Resources]
available == Resources \ (UNION {alloc[c] : c \in Clients})
Init ==
  /\ unsat = [c \in Clients |-> {}]
  /\ alloc = [c \in Clients |-> {}]
Request(c,S) ==
  /\ unsat[c] = {} /\ alloc[c] = {}
  /\ S # {} /\ unsat' = [unsat EXCEPT ![c] = S]
  /\ UNCHANGED alloc
Allocate(c,S) ==
  /\ S # {} /\ S \subseteq available \cap unsat[c]
  /\ alloc' = [alloc EXCEPT ![c] = @ \cup S]
  /\ unsat' = [unsat EXCEPT ![c] = @ \ S]
Return(c,S) ==
  /\ S # {} /\ S \subseteq alloc[c]
  /\ alloc' = [alloc EXCEPT ![c] = @ \ S]
  /\ UNCHANGED unsat
Next == \E c \in Clients, S \in SUBSET Resources :
          Request(c,S) \/ Allocate(c,S) \/ Return(c,S)
Spec == Init /\ [][Next]_vars
ResourceMutex ==
  \A c1,c2 \in Clients : c1 # c2 => alloc[c1] \cap alloc[c2] = {}
SymClients == Permutations(Clients)
SymBoth == {p @@ q : p \in Permutations(Clients), q \in Permutations(Resources)}
=============================================================================
