// Result tables: column names with their types, NULL shown as NULL, numbers right-aligned.
const NUMERIC = /^(U?(TINYINT|SMALLINT|INTEGER|BIGINT)|FLOAT|DOUBLE|DECIMAL.*)$/;

/** Fills a <table> with a result page: a header of names and types, then the rows. */
export function renderTable(table, data) {
  const head = document.createElement('tr');
  for (const column of data.columns) {
    const th = document.createElement('th');
    th.textContent = column.name;
    const type = document.createElement('span');
    type.className = 'type';
    type.textContent = column.type;
    th.append(type);
    head.append(th);
  }
  const rows = data.rows.map((row) => {
    const tr = document.createElement('tr');
    row.forEach((value, i) => {
      const td = document.createElement('td');
      if (value === null) {
        td.innerHTML = '<span class="null">NULL</span>';
      } else {
        td.textContent = value;
        if (NUMERIC.test(data.columns[i].type)) td.className = 'num';
      }
      tr.append(td);
    });
    return tr;
  });
  const thead = document.createElement('thead');
  thead.append(head);
  const tbody = document.createElement('tbody');
  tbody.append(...rows);
  table.replaceChildren(thead, tbody);
}

/** A whole small result in a box (the cluster view). */
export function renderRows(box, data) {
  if (data.rows.length === 0) {
    box.textContent = 'none';
    return;
  }
  const table = document.createElement('table');
  renderTable(table, data);
  box.replaceChildren(table);
}
