// The dictionary grid with a script: add a row, move a row up or down. Without it the grid still works:
// blank rows at the end add fields, the order boxes reorder them, the Remove boxes drop them; the server
// reads the same fields either way (name_N, order_N, origin_N ...), so this only saves round trips.
(function () {
  "use strict";
  var grid = document.getElementById("dictionary-grid");
  var count = document.getElementById("row-count");
  if (!grid || !count) return;
  var body = grid.tBodies[0];
  var words = document.documentElement.lang === "en"
    ? { add: "Add a row", up: "Move up", down: "Move down" }
    : { add: "เพิ่มแถว", up: "เลื่อนขึ้น", down: "เลื่อนลง" };

  function renumber() {
    Array.prototype.forEach.call(body.rows, function (row, index) {
      var order = row.querySelector("input.order");
      if (order) order.value = String(index + 1);
      row.dataset.row = String(index + 1);
      row.cells[0].firstChild.nodeValue = String(index + 1);
    });
  }
  function button(label, className, onClick) {
    var made = document.createElement("button");
    made.type = "button";
    made.className = "secondary small " + className;
    made.textContent = label;
    made.setAttribute("aria-label", label);
    made.addEventListener("click", onClick);
    return made;
  }
  function addMoves(row) {
    var cell = row.cells[1];
    cell.appendChild(button("↑", "move-up", function () {
      if (row.previousElementSibling) body.insertBefore(row, row.previousElementSibling);
      renumber();
    }));
    cell.appendChild(button("↓", "move-down", function () {
      if (row.nextElementSibling) body.insertBefore(row.nextElementSibling, row);
      renumber();
    }));
    cell.lastChild.title = words.down;
    cell.lastChild.previousSibling.title = words.up;
  }
  Array.prototype.forEach.call(body.rows, addMoves);

  var add = button(words.add, "add-row", function () {
    var template = body.rows[body.rows.length - 1];
    var index = Number(count.value);
    var row = template.cloneNode(true);
    row.querySelectorAll("input, select").forEach(function (el) {
      el.name = el.name.replace(/_\d+$/, "_" + index);
      if (el.type === "checkbox") el.checked = false;
      else if (el.tagName === "SELECT") el.selectedIndex = el.name.indexOf("type_") === 0
        ? Array.prototype.findIndex.call(el.options, function (o) { return o.value === "string"; }) : 0;
      else el.value = "";
      el.removeAttribute("aria-invalid");
    });
    row.querySelectorAll("button").forEach(function (b) { b.remove(); });
    row.removeAttribute("data-problem");
    body.appendChild(row);
    addMoves(row);
    count.value = String(index + 1);
    renumber();
    var name = row.querySelector('input[name^="name_"]');
    if (name) name.focus();
  });
  add.classList.remove("small");
  grid.parentNode.parentNode.insertBefore(add, grid.parentNode.nextSibling);
})();
